import CertDirectory
import Foundation

/// Merges flags, the config file and libldap's defaults into library settings.
/// Flags win over the selected config directory, which wins over the config
/// file's top level; whatever is left unset falls to libldap (`ldap.conf`,
/// `~/.ldaprc`, `LDAPURI`, `LDAPBASE`), which reads those itself.
struct EffectiveSettings {
    var directory: DirectorySettings
    var validator: CertificateValidator
    var intermediates: [ParsedCertificate]
    var time: Date
    var warnings: [String] = []

    /// - Parameter directoryNeeded: `false` for commands that only check
    ///   certificates (the `book` commands): the directory part is left empty
    ///   and no bind password is read.
    static func make(
        _ options: DirectoryOptions, _ checking: CheckingOptions, directoryNeeded: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> EffectiveSettings {
        let configPath = options.configFile ?? ConfigFile.defaultPath(environment: environment)
        let config = try ConfigFile.load(path: configPath, explicit: options.configFile != nil)
        var selected = ConfigFile.Settings()
        if let name = options.directoryName ?? config.defaultDirectory {
            guard let named = config.directories[name] else {
                throw CLIError(.config, "no directory named \(name) in \(configPath)")
            }
            selected = named
        }
        let top = config.defaults
        func pick<T>(_ flag: T?, _ key: KeyPath<ConfigFile.Settings, T?>) -> T? {
            flag ?? selected[keyPath: key] ?? top[keyPath: key]
        }
        func list(_ flag: [String], _ key: KeyPath<ConfigFile.Settings, [String]>) -> [String] {
            if !flag.isEmpty { return flag }
            return selected[keyPath: key].isEmpty ? top[keyPath: key] : selected[keyPath: key]
        }

        let uris = list(options.uris, \.uris)
        for uri in uris where LDAPURL(uri) == nil {
            throw CLIError(options.uris.isEmpty ? .config : .usage, "not an LDAP URL: \(uri)")
        }
        let bind: LDAPConfiguration.BindMethod
        // A --bind-dn flag overrides a SASL mechanism from the config file, as flags override it.
        if directoryNeeded, let mechanism = options.bindDN == nil ? pick(options.saslMechanism, \.saslMechanism) : nil {
            guard !mechanism.isEmpty else { throw CLIError(.config, "sasl-mech needs a mechanism name, e.g. GSSAPI") }
            bind = .sasl(
                mechanism: mechanism,
                noCanonicalization: options.saslNoCanonicalization || (pick(nil, \.saslNoCanonicalization) ?? false))
        } else if directoryNeeded, let dn = pick(options.bindDN, \.bindDN) {
            let password = try PasswordSource.read(
                file: pick(options.passwordFile, \.passwordFile),
                environmentVariable: pick(options.passwordEnv, \.passwordEnv),
                bindDN: dn)
            bind = .simple(dn: dn, password: password)
        } else {
            bind = .anonymous
        }
        if let caFile = pick(options.tlsCAFile, \.tlsCAFile) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: caFile, isDirectory: &isFolder), !isFolder.boolValue,
                FileManager.default.isReadableFile(atPath: caFile)
            else {
                throw CLIError(.config, "--tls-ca-file \(caFile): not a readable file")
            }
        }
        let tls = LDAPConfiguration.TLSConfiguration(
            startTLS: options.starttls || (pick(nil, \.starttls) ?? false), caFile: pick(options.tlsCAFile, \.tlsCAFile)
        )
        let timeouts = LDAPConfiguration.Timeouts(
            network: .milliseconds(Int((pick(options.networkTimeout, \.networkTimeout) ?? 10) * 1000)),
            operation: .milliseconds(Int((pick(options.timeout, \.timeout) ?? 30) * 1000)))
        let allowPlaintext = options.allowPlaintextBind || (pick(nil, \.allowPlaintextBind) ?? false)
        let servers = (uris.isEmpty ? [nil] : uris.map(Optional.some)).map { uri in
            LDAPConfiguration(uri: uri, bind: bind, tls: tls, timeouts: timeouts, allowPlaintextBind: allowPlaintext)
        }
        let directory = DirectorySettings(
            servers: servers, base: pick(options.base, \.base),
            globalCatalog: options.globalCatalog || (pick(nil, \.globalCatalog) ?? false))

        let anchorFiles = list(checking.trustAnchors, \.trustAnchors)
        let anchors = try anchorFiles.flatMap { try loadCertificates($0, option: "--trust-anchor") }
        let intermediates = try list(checking.intermediates, \.intermediates).flatMap {
            try loadCertificates($0, option: "--intermediates")
        }
        let policy = ValidationPolicy(
            minimumRSABits: pick(checking.minRSABits, \.minRSABits) ?? 2048,
            strictLocalPart: checking.strictLocalPart || (pick(nil, \.strictLocalPart) ?? false))
        var settings = EffectiveSettings(
            directory: directory, validator: CertificateValidator(trustAnchors: anchors.map(\.der), policy: policy),
            intermediates: intermediates, time: checking.at.flatMap(RFC3339.parse) ?? Date())
        if anchors.isEmpty {
            settings.warnings.append("no trust anchor configured (--trust-anchor): every certificate will be untrusted")
        }
        return settings
    }

    private static func loadCertificates(_ path: String, option: String) throws -> [ParsedCertificate] {
        do {
            return try CertificateFile.load(path: path)
        } catch {
            throw CLIError(.config, "\(option) \(error)")
        }
    }
}
