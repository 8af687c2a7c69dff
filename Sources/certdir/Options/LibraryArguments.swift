public import ArgumentParser
public import CertDirectory

// Library enums parsed straight from their kebab-case raw values.
extension ContentCipher: ExpressibleByArgument {}
extension KeyTransport: ExpressibleByArgument {}
extension SearchScope: ExpressibleByArgument {}
extension RevocationMode: ExpressibleByArgument {}
extension VCard.Version: ExpressibleByArgument {}
