import Foundation

/// A value rebuilt from a pickle by `RestrictedUnpickler`: plain data, containers, tensors, and
/// objects of TorchScript module classes kept as inert attribute records.
public indirect enum PickleValue: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for Int: its two's-complement bytes, little-endian (LONG1's form).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A `__torch__.*` module object (TorchScript): its class name and attributes. Never code.
    case object(className: String, attributes: PickleDict)
    /// A tensor: where its values are, and how to read them.
    case tensor(TorchTensorRef)
    /// A persistent id: a storage in the archive (before a tensor is made of it).
    case storage(TorchStorageRef)
    /// A permitted global before it is called (`torch._utils._rebuild_tensor_v2`, a storage
    /// type, `collections.OrderedDict`).
    case global(String)

    var asInt: Int? { if case .int(let v) = self { return v }; if case .bool(let b) = self { return b ? 1 : 0 }; return nil }
    var asString: String? { if case .string(let s) = self { return s }; return nil }
    var asTuple: [PickleValue]? {
        switch self {
        case .tuple(let items): return items
        case .list(let list): return list.items
        default: return nil
        }
    }
}

/// Lists and dicts are shared through the memo and filled after they are made (APPEND,
/// SETITEMS), so they are references.
public final class PickleList: @unchecked Sendable { public var items: [PickleValue] = [] }

public final class PickleDict: @unchecked Sendable {
    /// Keys in insertion order, as Python's dicts keep them.
    public private(set) var keys: [PickleValue] = []
    public private(set) var values: [PickleValue] = []
    private var index: [String: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) {
        let text = Self.keyText(key)
        if let text, let i = index[text] { values[i] = value; return }
        if let text { index[text] = keys.count }
        keys.append(key)
        values.append(value)
    }

    public subscript(_ key: String) -> PickleValue? { index["s:" + key].map { values[$0] } }

    /// String-keyed entries in order (a state dict's names).
    public var stringEntries: [(String, PickleValue)] {
        zip(keys, values).compactMap { k, v in k.asString.map { ($0, v) } }
    }

    private static func keyText(_ key: PickleValue) -> String? {
        switch key {
        case .string(let s): return "s:" + s
        case .int(let i): return "i:\(i)"
        default: return nil
        }
    }
}

/// Where a storage's bytes are: its key in the archive, element type and count.
public struct TorchStorageRef: Sendable, Equatable {
    public var key: String
    public var dtype: TorchDType
    public var count: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a view of a storage.
public struct TorchTensorRef: Sendable, Equatable {
    public var storage: TorchStorageRef
    /// In elements of the storage.
    public var offset: Int
    public var shape: [Int]
    public var strides: [Int]
}

/// The element types scs reads from checkpoints (storage class names as torch pickles them).
public enum TorchDType: String, Sendable, Equatable {
    case float32 = "FloatStorage", float16 = "HalfStorage", bfloat16 = "BFloat16Storage", float64 = "DoubleStorage"
    case int64 = "LongStorage", int32 = "IntStorage", int16 = "ShortStorage", int8 = "CharStorage"
    case uint8 = "ByteStorage", bool = "BoolStorage"

    public var size: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }
}

/// Why a pickle was not read: one line, with the file.
public struct PickleError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads the pickles PyTorch writes (`torch.save`, `torch.jit.save`) without running any code.
///
/// Python's unpickler calls whatever callable a pickle names; loading an untrusted checkpoint
/// with it runs arbitrary code. This one is a small stack machine over the binary opcodes of
/// protocols 2–5 that knows a fixed list of globals and *interprets* them: tensors are rebuilt as
/// descriptions (`_rebuild_tensor_v2`, `_rebuild_parameter`), `OrderedDict` is a dict, storage
/// types name an element type, TorchScript module classes (`__torch__.…`) become inert attribute
/// records. Any other global — `os.system`, `builtins.eval`, a training script's class — stops
/// the read with one line naming it. Every length, index and memo reference is checked.
public struct RestrictedUnpickler {
    let bytes: [UInt8]
    let path: String
    /// Resolves a persistent id (the storage tuple torch writes) to a value.
    let persistentLoad: ([PickleValue]) throws -> PickleValue

    public init(bytes: [UInt8], path: String, persistentLoad: @escaping ([PickleValue]) throws -> PickleValue) {
        self.bytes = bytes
        self.path = path
        self.persistentLoad = persistentLoad
    }

    /// Globals that may appear, by "module name".
    static let permitted: Set<String> = [
        "collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_tensor",
        "torch._utils _rebuild_parameter", "torch._utils _rebuild_parameter_with_state",
        "torch.jit._pickle restore_type_tag", "torch.jit._pickle build_intlist", "torch.jit._pickle build_tensorlist",
        "torch.jit._pickle build_doublelist", "torch.jit._pickle build_boollist", "builtins set", "builtins frozenset"
    ]

    func fail(_ reason: String) -> PickleError { PickleError(path: path, reason: reason) }

    /// Runs the pickle starting at `start`; returns the value and where the pickle ended.
    public func load(from start: Int = 0) throws -> (value: PickleValue, end: Int) {
        var stack: [PickleValue] = []
        var marks: [Int] = []
        var memo: [Int: PickleValue] = [:]
        var at = start

        func need(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, at <= bytes.count - n else { throw fail("the pickle ends early (at byte \(at))") }
            defer { at += n }
            return bytes[at..<(at + n)]
        }
        func uint(_ n: Int) throws -> Int {
            try need(n).reversed().reduce(0) { $0 << 8 | Int($1) }
        }
        func pop() throws -> PickleValue {
            guard let v = stack.popLast() else { throw fail("the pickle pops an empty stack") }
            return v
        }
        func popMark() throws -> [PickleValue] {
            guard let m = marks.popLast(), m <= stack.count else { throw fail("the pickle has no MARK to pop to") }
            defer { stack.removeSubrange(m...) }
            return Array(stack[m...])
        }
        func text(_ n: Int) throws -> String {
            guard let s = String(bytes: try need(n), encoding: .utf8) else { throw fail("a string is not UTF-8") }
            return s
        }
        func line() throws -> String {
            guard let end = bytes[at...].firstIndex(of: 0x0A) else { throw fail("a GLOBAL has no end of line") }
            let s = String(decoding: bytes[at..<end], as: UTF8.self)
            at = end + 1
            return s
        }
        func global(_ module: String, _ name: String) throws -> PickleValue {
            let full = module + " " + name
            if Self.permitted.contains(full) { return .global(full) }
            if module == "torch", let dtype = TorchDType(rawValue: name) { return .global("storage " + dtype.rawValue) }
            if module.hasPrefix("__torch__.") || module == "__torch__" { return .global("class " + module + "." + name) }
            throw fail("refuses to load \(module).\(name): only tensors and plain containers are read (no code is run)")
        }

        while true {
            guard at < bytes.count else { throw fail("the pickle ends without STOP") }
            let op = bytes[at]
            at += 1
            switch op {
            case 0x80: _ = try need(1)  // PROTO
            case 0x95: _ = try need(8)  // FRAME
            case 0x2E:  // STOP
                guard stack.count == 1 else { throw fail("the pickle stops with \(stack.count) values on the stack") }
                return (stack[0], at)
            case 0x28: marks.append(stack.count)  // MARK
            case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))  // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))  // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))
            case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
            case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
            case 0x8F: stack.append(.list(PickleList()))  // EMPTY_SET (read as a list)
            case 0x61, 0x65, 0x90:  // APPEND, APPENDS, ADDITEMS
                let items = op == 0x61 ? [try pop()] : try popMark()
                guard case .list(let list)? = stack.last else { throw fail("APPEND to something that is not a list") }
                list.items += items
            case 0x91: stack.append(.tuple(try popMark()))  // FROZENSET
            case 0x73, 0x75:  // SETITEM, SETITEMS
                let items: [PickleValue]
                if op == 0x73 { let v = try pop(), k = try pop(); items = [k, v] } else { items = try popMark() }
                guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of values") }
                guard case .dict(let dict)? = stack.last else { throw fail("SETITEM on something that is not a dict") }
                for i in stride(from: 0, to: items.count, by: 2) { dict.set(items[i], items[i + 1]) }
            case 0x4E: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4B: stack.append(.int(try uint(1)))  // BININT1
            case 0x4D: stack.append(.int(try uint(2)))  // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x8A:  // LONG1
                let n = try uint(1)
                let raw = try need(n)
                if n > 8 { stack.append(.bigInt(Array(raw))); continue }
                var v = 0
                for (i, b) in raw.enumerated() { v |= Int(b) << (8 * i) }
                if n > 0 && n < 8 && raw.last! & 0x80 != 0 { v -= 1 << (8 * n) }
                stack.append(.int(v))
            case 0x47:  // BINFLOAT (big-endian double)
                stack.append(.float(Double(bitPattern: UInt64(try need(8).reduce(0) { $0 << 8 | Int($1) }))))
            case 0x58: stack.append(.string(try text(try uint(4))))  // BINUNICODE
            case 0x8C: stack.append(.string(try text(try uint(1))))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try text(try uint(8))))  // BINUNICODE8
            case 0x43: stack.append(.bytes(Array(try need(try uint(1)))))  // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Array(try need(try uint(4)))))  // BINBYTES
            case 0x71: memo[try uint(1)] = stack.last  // BINPUT
            case 0x72: memo[try uint(4)] = stack.last  // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let key = try uint(op == 0x68 ? 1 : 4)
                guard let v = memo[key] else { throw fail("the pickle refers to memo \(key), which it never stored") }
                stack.append(v)
            case 0x63: stack.append(try global(try line(), try line()))  // GLOBAL
            case 0x93:  // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard let m = module.asString, let n = name.asString else { throw fail("STACK_GLOBAL of non-strings") }
                stack.append(try global(m, n))
            case 0x51:  // BINPERSID
                guard let id = try pop().asTuple else { throw fail("a persistent id that is not a tuple") }
                stack.append(try persistentLoad(id))
            case 0x52:  // REDUCE
                let args = try pop(), callee = try pop()
                stack.append(try call(callee, args.asTuple ?? []))
            case 0x81:  // NEWOBJ
                let args = try pop(), cls = try pop()
                guard case .global(let name) = cls, name.hasPrefix("class ") else {
                    throw fail("NEWOBJ of something that is not a TorchScript module class")
                }
                _ = args
                stack.append(.object(className: String(name.dropFirst(6)), attributes: PickleDict()))
            case 0x62:  // BUILD
                let state = try pop()
                guard let target = stack.last else { throw fail("BUILD with nothing to build") }
                switch (target, state) {
                case (.object(_, let attributes), .dict(let d)):
                    for (k, v) in zip(d.keys, d.values) { attributes.set(k, v) }
                case (.tensor, _), (.object, _), (.dict, _), (.list, _):
                    break  // extra state (a state dict's _metadata, hooks, flags): nothing scs needs
                default: throw fail("BUILD on a value that takes no state")
                }
            default:
                throw fail(String(format: "unsupported pickle opcode 0x%02x at byte %d", op, at - 1))
            }
        }
    }

    private func call(_ callee: PickleValue, _ args: [PickleValue]) throws -> PickleValue {
        guard case .global(let name) = callee else { throw fail("REDUCE calls something that is not a permitted global") }
        switch name {
        case "collections OrderedDict":
            return .dict(PickleDict())
        case "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_tensor":
            guard args.count >= 4, case .storage(let storage) = args[0], let offset = args[1].asInt,
                let shape = args[2].asTuple?.compactMap(\.asInt), let strides = args[3].asTuple?.compactMap(\.asInt),
                shape.count == args[2].asTuple?.count, strides.count == shape.count
            else {
                throw fail("a tensor is described with arguments of the wrong kinds")
            }
            return .tensor(TorchTensorRef(storage: storage, offset: offset, shape: shape, strides: strides))
        case "torch._utils _rebuild_parameter", "torch._utils _rebuild_parameter_with_state":
            guard let first = args.first, case .tensor = first else { throw fail("a parameter without a tensor") }
            return first
        case "torch.jit._pickle restore_type_tag":
            guard let first = args.first else { throw fail("restore_type_tag without a value") }
            return first
        case "torch.jit._pickle build_intlist", "torch.jit._pickle build_tensorlist", "torch.jit._pickle build_doublelist",
            "torch.jit._pickle build_boollist", "builtins set", "builtins frozenset":
            return args.first ?? .list(PickleList())
        default:
            if name.hasPrefix("class ") || name.hasPrefix("storage ") {
                throw fail("calls \(name.split(separator: " ").last ?? "") (only tensors and plain containers are read)")
            }
            throw fail("calls \(name) (only tensors and plain containers are read)")
        }
    }
}
