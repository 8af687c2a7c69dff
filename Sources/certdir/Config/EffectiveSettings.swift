import CertDirectory
import Foundation

/// Merges flags, the config file and libldap's defaults into library settings.
/// Flags win over the selected config directory, which wins over the config
/// file's top level (``SettingLayers``); whatever is left unset falls to libldap
/// (`ldap.conf`, `~/.ldaprc`, `LDAPURI`, `LDAPBASE`), which reads those itself.
struct EffectiveSettings {
    var directory: DirectorySettings
    var validator: CertificateValidator
    var intermediates: [ParsedCertificate]
    var time: Date
    var warnings: [String] = []

    /// - Parameter directoryNeeded: `false` for commands that only check
    ///   certificates (the `book` commands): the directory part is left empty
    ///   and no bind password is read.
    /// - Parameter defaultRevocationSources: The order when neither a flag
    ///   nor the config file gives one (`export` asks CRLs only).
    static func make(
        _ options: DirectoryOptions, _ checking: CheckingOptions, directoryNeeded: Bool = true,
        defaultRevocationSources: [RevocationSource] = [.ocsp, .crl],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> EffectiveSettings {
        let layers = try SettingLayers(options, checking, environment: environment)
        func pick<T>(_ flag: T?, _ key: KeyPath<ConfigFile.Settings, T?>) -> T? { layers.value(flag, key)?.value }
        func list(_ flag: [String], _ key: KeyPath<ConfigFile.Settings, [String]>) -> [String] {
            layers.list(flag, key)?.value ?? []
        }

        let uris = list(options.uris, \.uris)
        for uri in uris where LDAPURL(uri) == nil {
            throw CLIError(options.uris.isEmpty ? .config : .usage, "not an LDAP URL: \(uri)")
        }
        let bind: LDAPConfiguration.BindMethod
        let bindDN = pick(options.bindDN, \.bindDN)
        if options.passwordFile != nil || options.passwordEnv != nil, bindDN == nil {
            throw CLIError(.usage, "a password needs a bind DN (--bind-dn, or bind-dn in the config file)")
        }
        if directoryNeeded, let mechanism = layers.saslMechanism()?.value {
            guard !mechanism.isEmpty else { throw CLIError(.config, "sasl-mech needs a mechanism name, e.g. GSSAPI") }
            bind = .sasl(
                mechanism: mechanism,
                noCanonicalization: layers.switchValue(options.saslNoCanonicalization, \.saslNoCanonicalization).value)
        } else if directoryNeeded, let dn = bindDN {
            bind = .simple(dn: dn, password: try PasswordSource.read(layers.passwordSource().source, bindDN: dn))
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
            startTLS: layers.switchValue(options.starttls, \.starttls).value,
            caFile: pick(options.tlsCAFile, \.tlsCAFile))
        let timeouts = LDAPConfiguration.Timeouts(
            network: .milliseconds(Int((pick(options.networkTimeout, \.networkTimeout) ?? 10) * 1000)),
            operation: .milliseconds(Int((pick(options.timeout, \.timeout) ?? 30) * 1000)))
        let allowPlaintext = layers.switchValue(options.allowPlaintextBind, \.allowPlaintextBind).value
        let servers = (uris.isEmpty ? [nil] : uris.map(Optional.some)).map { uri in
            LDAPConfiguration(uri: uri, bind: bind, tls: tls, timeouts: timeouts, allowPlaintextBind: allowPlaintext)
        }
        let directory = DirectorySettings(
            servers: servers, base: pick(options.base, \.base),
            globalCatalog: layers.switchValue(options.globalCatalog, \.globalCatalog).value)

        let anchorFiles = list(checking.trustAnchors, \.trustAnchors)
        let anchors = try anchorFiles.flatMap { try loadCertificates($0, option: "--trust-anchor") }
        let intermediates = try list(checking.intermediates, \.intermediates).flatMap {
            try loadCertificates($0, option: "--intermediates")
        }
        var policy = ValidationPolicy(
            minimumRSABits: pick(checking.minRSABits, \.minRSABits) ?? 2048,
            strictLocalPart: layers.switchValue(checking.strictLocalPart, \.strictLocalPart).value)
        policy.revocationSources = RevocationSources(
            order: pick(checking.revocationSources, \.revocationSources).flatMap(RevocationSources.parseOrder)
                ?? defaultRevocationSources,
            ocspResponder: pick(checking.ocspResponder, \.ocspResponder),
            ocspNonce: pick(checking.ocspNonce, \.ocspNonce).flatMap(OCSPNoncePolicy.init(rawValue:)) ?? .send)
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
