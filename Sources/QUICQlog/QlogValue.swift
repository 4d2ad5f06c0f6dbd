import QUICWire

/// A JSON value inside qlog event data: qlog's schema is open ("events can contain any amount of custom
/// fields"), so frames and parameters carry their members as ordered `(name, value)` pairs of this type.
public indirect enum QlogValue: Hashable, Sendable {
    case string(String)
    case unsigned(UInt64)
    case signed(Int64)
    /// A finite double; a non-finite one is written as `null`.
    case double(Double)
    case bool(Bool)
    case null
    /// Bytes written as a lowercase hex string (qlog `hexstring`).
    case hex([UInt8])
    case array([QlogValue])
    case object([QlogField])

    /// A connection ID as qlog's `ConnectionID` (a hexstring).
    public static func connectionID(_ id: ConnectionID) -> QlogValue {
        .hex(id.bytes)
    }

    public func write(to writer: inout QlogJSONWriter) {
        switch self {
        case .string(let value): writer.string(value)
        case .unsigned(let value): writer.integer(value)
        case .signed(let value): writer.integer(value)
        case .double(let value): writer.double(value)
        case .bool(let value): writer.bool(value)
        case .null: writer.null()
        case .hex(let bytes): writer.hexString(bytes)
        case .array(let elements):
            writer.beginArray()
            for element in elements {
                element.write(to: &writer)
            }
            writer.endArray()
        case .object(let fields):
            writer.beginObject()
            for field in fields {
                field.write(to: &writer)
            }
            writer.endObject()
        }
    }
}

/// One member of a JSON object: a lowercase field name and its value.
public struct QlogField: Hashable, Sendable {
    public var name: String
    public var value: QlogValue

    public init(_ name: String, _ value: QlogValue) {
        self.name = name
        self.value = value
    }

    public func write(to writer: inout QlogJSONWriter) {
        writer.key(self.name)
        self.value.write(to: &writer)
    }
}
