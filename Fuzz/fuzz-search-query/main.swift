import CertDirectory
import Foundation
import FuzzSupport

@testable import CertDirectoryServer

// An RFC 4387 query string → the parameters of `/search.cgi` → SearchQuery.
// Properties: no crash; a refusal's reason is one printable line (it is the
// body of the 400 answer); an accepted hash is 20 bytes and an accepted
// email an addr-spec.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let query = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    do throws(QueryError) {
        let parsed = try SearchQuery.parse(try StoreHandler.parameters(query))
        switch parsed {
        case .hash(_, let digest, _):
            if digest.count != 20 { fuzzFailure("a hash of \(digest.count) bytes was accepted") }
        case .email(let address, _):
            if MailAddress(address) == nil { fuzzFailure("\(address.debugDescription) was accepted as an address") }
        case .name(let name, _):
            if name.isEmpty { fuzzFailure("an empty name was accepted") }
        }
    } catch {
        if error.reason.contains(where: { $0.isNewline }) {
            fuzzFailure("a reason of more than one line: \(error.reason.debugDescription)")
        }
    }
    return 0
}

@_cdecl("fuzz_search_query_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}
