import CertDirectory
import Foundation

/// Where an effective setting came from: the order of precedence, highest first.
enum SettingOrigin: Equatable {
    case flag
    case environment(String)
    case configFile(path: String, section: String?)
    /// libldap's own configuration (`ldap.conf`, `~/.ldaprc`, `LDAP*` variables).
    case ldapConf
    case defaultValue

    var name: String {
        switch self {
        case .flag: "flag"
        case .environment: "environment"
        case .configFile: "config-file"
        case .ldapConf: "ldap.conf"
        case .defaultValue: "default"
        }
    }

    /// The variable, or the file and section, when there is one.
    var detail: String? {
        switch self {
        case .environment(let variable): variable
        case .configFile(let path, let section): section.map { "\(path) [directories.\($0)]" } ?? path
        default: nil
        }
    }
}

/// The command line over the config file's selected directory over its top
/// level: each setting taken from the highest layer that sets it, with that
/// layer's name. `EffectiveSettings` builds the library settings from it and
/// `config show` prints it.
struct SettingLayers {
    let options: DirectoryOptions
    let checking: CheckingOptions
    let configPath: String
    let config: ConfigFile
    /// The `[directories.NAME]` section in use, if any.
    let sectionName: String?
    private let section: ConfigFile.Settings

    init(
        _ options: DirectoryOptions, _ checking: CheckingOptions,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.options = options
        self.checking = checking
        configPath = options.configFile ?? ConfigFile.defaultPath(environment: environment)
        config = try ConfigFile.load(path: configPath, explicit: options.configFile != nil)
        sectionName = options.directoryName ?? config.defaultDirectory
        if let sectionName {
            guard let named = config.directories[sectionName] else {
                throw CLIError(.config, "no directory named \(sectionName) in \(configPath)")
            }
            section = named
        } else {
            section = ConfigFile.Settings()
        }
    }

    private var sectionOrigin: SettingOrigin { .configFile(path: configPath, section: sectionName) }
    private var topOrigin: SettingOrigin { .configFile(path: configPath, section: nil) }

    /// An optional value: the flag, the selected directory's, then the top level's.
    func value<T>(_ flag: T?, _ key: KeyPath<ConfigFile.Settings, T?>) -> (value: T, origin: SettingOrigin)? {
        if let flag { return (flag, .flag) }
        if let value = section[keyPath: key] { return (value, sectionOrigin) }
        if let value = config.defaults[keyPath: key] { return (value, topOrigin) }
        return nil
    }

    /// A flag that can only be switched on from the command line.
    func switchValue(_ flag: Bool, _ key: KeyPath<ConfigFile.Settings, Bool?>) -> (value: Bool, origin: SettingOrigin) {
        value(flag ? true : nil, key) ?? (false, .defaultValue)
    }

    /// A list: the flag's values replace the config file's, never add to them.
    func list(_ flag: [String], _ key: KeyPath<ConfigFile.Settings, [String]>) -> (
        value: [String], origin: SettingOrigin
    )? {
        if !flag.isEmpty { return (flag, .flag) }
        if !section[keyPath: key].isEmpty { return (section[keyPath: key], sectionOrigin) }
        if !config.defaults[keyPath: key].isEmpty { return (config.defaults[keyPath: key], topOrigin) }
        return nil
    }

    /// Where the bind password comes from.
    enum PasswordSource: Equatable {
        case file(String)
        case environment(String)
        case prompt
    }

    /// The password source is one setting: a layer that names a file or a
    /// variable replaces the lower layers' source whole, so `--password-env`
    /// on the command line wins over a config file's `password-file`.
    func passwordSource() -> (source: PasswordSource, origin: SettingOrigin) {
        let layers: [(String?, String?, SettingOrigin)] = [
            (options.passwordFile, options.passwordEnv, .flag),
            (section.passwordFile, section.passwordEnv, sectionOrigin),
            (config.defaults.passwordFile, config.defaults.passwordEnv, topOrigin),
        ]
        for (file, variable, origin) in layers {
            if let file { return (.file(file), origin) }
            if let variable { return (.environment(variable), origin) }
        }
        return (.prompt, .defaultValue)
    }

    /// A simple bind's flags on the command line replace a config file's SASL mechanism.
    var simpleBindFlagged: Bool { options.bindDN != nil || options.passwordFile != nil || options.passwordEnv != nil }

    /// The SASL mechanism in effect, unless a simple bind is asked for on the command line.
    func saslMechanism() -> (value: String, origin: SettingOrigin)? {
        simpleBindFlagged ? nil : value(options.saslMechanism, \.saslMechanism)
    }
}
