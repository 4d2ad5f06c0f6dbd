import Testing

/// Every suite of this target that runs clients and servers over real sockets is nested here, so that they run one
/// at a time. Run together on a busy 2-core machine, the endpoints of a dozen tests starved each other (handshakes
/// timed out and transfers idled out); one at a time, each has the loopback interface and the event loops to
/// itself, while the CPU-bound simulator tests of the other targets still run beside them.
@Suite("Real sockets, one suite at a time", .serialized)
enum RealSocketSuites {}
