import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client stopped reading while the server has data for it.
///
/// A live-event client that stops reading (a laptop put to sleep, a hostile script) fills the
/// socket's send buffer; the channel turns unwritable and the response's writer waits forever,
/// holding the connection, its descriptor and the events queued for it. This handler, in every
/// HTTP connection's pipeline, closes the connection once it has been unwritable for `timeout`;
/// it becomes writable again within milliseconds for any client that is reading.
final class StalledClientCloser: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundIn = HTTPResponsePart
  typealias OutboundOut = HTTPResponsePart

  private let timeout: TimeAmount
  private let onClose: @Sendable () -> Void
  private var scheduledClose: Scheduled<Void>?

  /// - Parameter onClose: called once for every connection closed as stalled (metrics).
  init(timeout: TimeAmount, onClose: @escaping @Sendable () -> Void) {
    self.timeout = timeout
    self.onClose = onClose
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable {
      scheduledClose?.cancel()
      scheduledClose = nil
    } else if scheduledClose == nil {
      let onClose = self.onClose
      let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
      scheduledClose = context.eventLoop.scheduleTask(in: timeout) {
        let context = loopBound.value
        guard !context.channel.isWritable else { return }
        onClose()
        context.close(promise: nil)
      }
    }
    context.fireChannelWritabilityChanged()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    scheduledClose?.cancel()
    scheduledClose = nil
  }

  func channelInactive(context: ChannelHandlerContext) {
    scheduledClose?.cancel()
    scheduledClose = nil
    context.fireChannelInactive()
  }
}
