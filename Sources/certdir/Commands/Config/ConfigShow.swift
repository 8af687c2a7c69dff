import ArgumentParser
import CertDirectory
import Foundation

/// `certdir config`: the settings certdir would use, and a check of them against the directory.
struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the effective settings and where each comes from, or check them against the directory.",
        discussion: """
            Flags override the config file's selected directory ([directories.NAME]), which overrides \
            its top level, which overrides libldap's own configuration (ldap.conf, ~/.ldaprc, LDAPURI, \
            LDAPBASE, LDAPTLS_CACERT), which overrides certdir's defaults.
            """,
        subcommands: [ConfigShow.self, ConfigCheck.self])
}

/// `certdir config show`: each effective setting with its origin; never a password.
struct ConfigShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print each effective setting and its origin (flag, environment, config file, ldap.conf, default).",
        discussion: """
            The password itself is never printed: only its source (a file, an environment variable, \
            or a prompt). Exit status: 0 printed; 78 the config file is invalid; 64 usage error; \
            74 standard output could not be written.
            """)

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "text, or json (JSON Lines: one object per setting).") var format: TextOrJSON = .text

    func run() async throws {
        try await ResolveExit.guarded {
            let layers = try SettingLayers(directory, checking)
            for row in SettingReport.rows(layers) {
                try Console.out(format == .json ? row.json + "\n" : row.text + "\n")
            }
        }
    }
}

/// One effective setting, its value and where it came from.
struct SettingRow {
    let setting: String
    /// A string, number, boolean or list of strings; `nil` when unset.
    let value: Any?
    let origin: SettingOrigin

    var text: String {
        let shown: String
        switch value {
        case nil: shown = "(unset)"
        case let list as [String]: shown = list.joined(separator: " ")
        case let flag as Bool: shown = flag ? "true" : "false"
        case let number as Double: shown = number == number.rounded() ? String(Int(number)) : String(number)
        case let other?: shown = "\(other)"
        }
        let from = origin.detail.map { "\(origin.name) \($0)" } ?? origin.name
        return "\(setting) = \(shown.terminalSafe)  (\(from.terminalSafe))"
    }

    var json: String {
        var object: [String: Any] = ["setting": setting, "value": value ?? NSNull(), "origin": origin.name]
        if let detail = origin.detail { object["source"] = detail }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// The rows of `config show`, in the order of the options' help.
enum SettingReport {
    static func rows(
        _ layers: SettingLayers, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [SettingRow] {
        let options = layers.options
        let checking = layers.checking
        var rows: [SettingRow] = []
        func add<T>(_ name: String, _ picked: (value: T, origin: SettingOrigin)?, fallback: SettingRow? = nil) {
            if let picked {
                rows.append(SettingRow(setting: name, value: picked.value, origin: picked.origin))
            } else {
                rows.append(fallback ?? SettingRow(setting: name, value: nil, origin: .defaultValue))
            }
        }
        let configExists = FileManager.default.fileExists(atPath: layers.configPath)
        rows.append(
            SettingRow(
                setting: "config", value: configExists ? layers.configPath : nil,
                origin: options.configFile != nil
                    ? .flag
                    : environment["XDG_CONFIG_HOME"].map { _ in .environment("XDG_CONFIG_HOME") }
                        ?? .defaultValue))
        add(
            "directory",
            options.directoryName.map { ($0, SettingOrigin.flag) }
                ?? layers.config.defaultDirectory.map { ($0, .configFile(path: layers.configPath, section: nil)) })
        add("uri", layers.list(options.uris, \.uris), fallback: libldap("uri", LibLDAPInfo.defaultURI, "LDAPURI"))
        add("base", layers.value(options.base, \.base), fallback: libldap("base", LibLDAPInfo.defaultBase, "LDAPBASE"))
        let sasl = layers.saslMechanism()
        add("sasl-mech", sasl)
        if sasl != nil {
            add("sasl-nocanon", layers.switchValue(options.saslNoCanonicalization, \.saslNoCanonicalization))
        } else {
            let bindDN = layers.value(options.bindDN, \.bindDN)
            add("bind-dn", bindDN)
            if bindDN != nil {
                let (source, origin) = layers.passwordSource()
                let described: String
                switch source {
                case .file(let path): described = "file \(path)"
                case .environment(let variable): described = "environment variable \(variable)"
                case .prompt: described = "prompt on the terminal"
                }
                rows.append(SettingRow(setting: "password", value: described, origin: origin))
            }
        }
        add("starttls", layers.switchValue(options.starttls, \.starttls))
        add(
            "tls-ca-file", layers.value(options.tlsCAFile, \.tlsCAFile),
            fallback: libldap("tls-ca-file", LibLDAPInfo.defaultCAFile, "LDAPTLS_CACERT"))
        add("allow-plaintext-bind", layers.switchValue(options.allowPlaintextBind, \.allowPlaintextBind))
        add("network-timeout", layers.value(options.networkTimeout, \.networkTimeout) ?? (10, .defaultValue))
        add("timeout", layers.value(options.timeout, \.timeout) ?? (30, .defaultValue))
        add("global-catalog", layers.switchValue(options.globalCatalog, \.globalCatalog))
        add("trust-anchors", layers.list(checking.trustAnchors, \.trustAnchors))
        add("intermediates", layers.list(checking.intermediates, \.intermediates))
        add("strict-local-part", layers.switchValue(checking.strictLocalPart, \.strictLocalPart))
        add("min-rsa-bits", layers.value(checking.minRSABits, \.minRSABits) ?? (2048, .defaultValue))
        add(
            "revocation-sources",
            layers.value(checking.revocationSources, \.revocationSources) ?? ("ocsp,crl", .defaultValue))
        add("ocsp-responder", layers.value(checking.ocspResponder, \.ocspResponder))
        add("ocsp-nonce", layers.value(checking.ocspNonce, \.ocspNonce) ?? ("send", .defaultValue))
        let book = environment["CERTDIR_ADDRESS_BOOK"].flatMap { $0.isEmpty ? nil : $0 }
        rows.append(
            SettingRow(
                setting: "address-book", value: AddressBookOptions.path(nil, environment: environment),
                origin: book != nil ? .environment("CERTDIR_ADDRESS_BOOK") : .defaultValue))
        return rows
    }

    /// A setting libldap supplies from its own configuration, named by the variable when that set it.
    private static func libldap(_ name: String, _ value: String?, _ variable: String) -> SettingRow {
        guard let value else { return SettingRow(setting: name, value: nil, origin: .defaultValue) }
        let environment = ProcessInfo.processInfo.environment
        let fromVariable = environment[variable] == value && environment["LDAPNOINIT"] == nil
        return SettingRow(setting: name, value: value, origin: fromVariable ? .environment(variable) : .ldapConf)
    }
}
