/// Which side of a connection an endpoint is.
public enum EndpointRole: Sendable, Hashable {
    case client
    case server

    public var peer: EndpointRole { self == .client ? .server : .client }
}
