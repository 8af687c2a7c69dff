/// libFuzzer's own byte mutator, available to a custom mutator.
@_silgen_name("LLVMFuzzerMutate")
func llvmFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// A structure-aware mutation of one DER value (a TBSCertificate, a
/// TBSCertList): one element of the tree is changed, removed, duplicated or
/// retagged, and every enclosing length is recomputed. One time in eight the
/// bytes are mutated raw, so that framing errors are explored too.
public enum StructureAwareMutator {
    public static func mutate(
        _ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32
    ) -> Int {
        var random = SplitMix(seed: UInt64(seed))
        let bytes = Array(UnsafeBufferPointer(start: data, count: size))
        guard random.next() % 8 != 0, let elements = DERTree.parseAll(bytes[...]), !elements.isEmpty else {
            return llvmFuzzerMutate(data, size, maxSize)
        }
        let total = elements.reduce(0) { $0 + $1.count }
        var target = Int(random.next() % UInt64(total))
        let mutated = elements.map { mutateTree($0, &target, &random) }.flatMap(\.self)
        let out = mutated.flatMap(\.encoded)
        guard out.count <= maxSize else { return llvmFuzzerMutate(data, size, maxSize) }
        out.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: out.count) }
        return out.count
    }

    /// Walks to the `target`-th element (pre-order) and changes it; returns its replacement(s).
    private static func mutateTree(_ tree: DERTree, _ target: inout Int, _ random: inout SplitMix) -> [DERTree] {
        if target == 0 {
            target = -1
            return change(tree, &random)
        }
        target -= 1
        switch tree {
        case .primitive: return [tree]
        case .constructed(let tag, let children):
            guard target >= 0 else { return [tree] }
            return [.constructed(tag: tag, children: children.flatMap { mutateTree($0, &target, &random) })]
        case .encapsulating(let tag, let prefix, let children):
            guard target >= 0 else { return [tree] }
            return [
                .encapsulating(
                    tag: tag, prefix: prefix, children: children.flatMap { mutateTree($0, &target, &random) })
            ]
        }
    }

    private static func change(_ tree: DERTree, _ random: inout SplitMix) -> [DERTree] {
        switch random.next() % 10 {
        case 0: return []  // remove the element
        case 1: return [tree, tree]  // duplicate it
        case 2:
            // Retag it (primitive ↔ other primitive types, context tags).
            let tags: [UInt8] = [
                0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x80, 0x81, 0x82, 0x86, 0x87,
            ]
            if case .primitive(_, let content) = tree {
                return [.primitive(tag: tags[Int(random.next() % UInt64(tags.count))], content: content)]
            }
            return [tree]
        default:
            guard case .primitive(let tag, var content) = tree else {
                // A constructed element: mutate its encoding raw, keep it if it still parses.
                var raw = tree.encoded
                let used = raw.count
                let capacity = used * 2 + 16
                raw += [UInt8](repeating: 0, count: capacity - used)
                let size = raw.withUnsafeMutableBufferPointer { llvmFuzzerMutate($0.baseAddress!, used, capacity) }
                return DERTree.parseAll(raw[0..<size]) ?? [tree]
            }
            let capacity = max(content.count * 2, 16)
            let used = content.count
            content += [UInt8](repeating: 0, count: capacity - used)
            let size = content.withUnsafeMutableBufferPointer { llvmFuzzerMutate($0.baseAddress!, used, capacity) }
            return [.primitive(tag: tag, content: Array(content[0..<size]))]
        }
    }
}

/// A small deterministic generator seeded by libFuzzer (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
