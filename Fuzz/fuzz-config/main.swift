import CertDirectory
import Foundation
import FuzzSupport
import TOMLKit

// The TOML configuration file → ConfigFile.table (TOMLKit) → ConfigFile.parse.
// ConfigFile.swift, ConfigFile+Text.swift and ExitStatus.swift are links to
// the CLI's own files: an executable target cannot be linked into another
// executable. Properties: no crash; a refusal is a CLIError with the config
// status (78), never another error escaping ConfigFile.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    let table: TOMLTable
    do {
        table = try ConfigFile.table(parsing: text, path: "fuzz.toml")
    } catch let error as CLIError {
        if error.status != .config { fuzzFailure("a config error with status \(error.status)") }
        return 0
    } catch {
        return 0  // TOMLKit's parse error
    }
    do {
        _ = try ConfigFile.parse(table, path: "fuzz.toml")
    } catch let error as CLIError {
        if error.status != .config { fuzzFailure("a config error with status \(error.status)") }
    } catch {
        fuzzFailure("an error that is not a CLIError: \(error)")
    }
    return 0
}

@_cdecl("fuzz_config_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
