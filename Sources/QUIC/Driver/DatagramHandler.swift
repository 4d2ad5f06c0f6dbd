import NIOCore
import QUICTransport

/// The channel handler of one UDP socket: hands datagrams to the driver and tells it when a read burst ends
/// (so it answers once per burst, not once per datagram) and when the socket can take writes again.
final class DatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let driver: EndpointDriver
    private var local: NetworkAddress?

    init(driver: EndpointDriver) {
        self.driver = driver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        if self.local == nil {
            self.local = context.channel.localAddress.flatMap(NetworkAddress.init)
        }
        guard let local = self.local else { return }
        self.driver.receive(envelope, on: local)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.driver.service()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { self.driver.service() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (port unreachable, ...) surface here on connected paths; QUIC's own timers deal with them.
        self.driver.logger.debug("socket error", metadata: ["error": "\(error)"])
    }
}
