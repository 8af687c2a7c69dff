// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "certdir",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CertDirectory", targets: ["CertDirectory"]),
        .executable(name: "certdir", targets: ["certdir"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", exact: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // C interop: one system-library module per C library, macros behind static inline shims.
        .systemLibrary(
            name: "CLDAP",
            pkgConfig: "ldap",
            providers: [.apt(["libldap-dev", "libsasl2-dev"]), .brew(["openldap", "cyrus-sasl"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        // ICU's UTS #46 (IDNA2008) for internationalised mail domains; only `Identity/ICU/` imports it.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-uc",
            providers: [.apt(["libicu-dev"]), .brew(["icu4c"])]
        ),
        .target(
            name: "CertDirectory",
            dependencies: [
                "CLDAP",
                "COpenSSL",
                "CICU",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP certificate store (RFC 4387) behind `certdir serve`; kept out of the library.
        .target(
            name: "CertDirectoryServer",
            dependencies: [
                "CertDirectory",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "certdir",
            dependencies: [
                "CertDirectory",
                "CertDirectoryServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CertDirectoryTestSupport",
            dependencies: [
                "CertDirectory",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CertDirectoryTests",
            dependencies: [
                "CertDirectory", "CertDirectoryTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CertDirectoryIntegrationTests",
            dependencies: [
                "CertDirectory", "CertDirectoryTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "certdirTests",
            dependencies: ["CertDirectoryTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The x509-limbo harness (`scripts/limbo`): a debug-build tool, not shipped.
package.targets.append(
    .executableTarget(
        name: "certdir-limbo",
        dependencies: ["CertDirectory", .product(name: "X509", package: "swift-certificates")],
        path: "Tools/Limbo",
        swiftSettings: swiftSettings
    ))

// libFuzzer targets (`scripts/fuzz`): declared only when CERTDIR_FUZZ=1, so that
// the normal build and CI's `swift build --build-tests` never see them. They
// have no `@main` (libFuzzer supplies `main`) and are built with
// `-sanitize=fuzzer,address -parse-as-library` in their own scratch path.
if Context.environment["CERTDIR_FUZZ"] == "1" {
    let fuzzSettings = swiftSettings + [.unsafeFlags(["-parse-as-library"])]
    package.targets.append(
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CertDirectory",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Fuzz/FuzzSupport",
            swiftSettings: swiftSettings
        ))
    let fuzzTargets: [(name: String, extra: [Target.Dependency])] = [
        ("fuzz-directory-value", []),
        ("fuzz-certificate-differential", []),
        ("fuzz-message", []),
        ("fuzz-crl", []),
        ("fuzz-search-query", ["CertDirectoryServer"]),
        ("fuzz-address", []),
        (
            "fuzz-config",
            [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name,
                dependencies: ["CertDirectory", "FuzzSupport"] + target.extra,
                path: "Fuzz/\(target.name)",
                swiftSettings: fuzzSettings
            ))
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
