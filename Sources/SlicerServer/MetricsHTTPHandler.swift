import NIOCore

/// The smallest HTTP/1.x responder Prometheus needs: `GET /metrics` answers the text exposition,
/// anything else 404 or 400, and every response closes the connection. The request head is
/// read up to its blank line and at most 8 KiB; the body (there is none in a GET) is ignored.
final class MetricsHTTPHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  static let maximumRequestBytes = 8192

  private let metrics: ServerMetrics
  private var request: [UInt8] = []
  private var answered = false

  init(metrics: ServerMetrics) { self.metrics = metrics }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !answered else { return }
    var buffer = unwrapInboundIn(data)
    request += buffer.readBytes(length: buffer.readableBytes) ?? []
    if let end = Self.headEnd(request) {
      respond(context: context, head: Array(request[..<end]))
    } else if request.count > Self.maximumRequestBytes {
      respond(
        context: context, status: "431 Request Header Fields Too Large",
        body: "request head too large\n")
    }
  }

  private func respond(context: ChannelHandlerContext, head: [UInt8]) {
    let line = head.split(separator: UInt8(ascii: "\r"), maxSplits: 1).first ?? []
    let parts = String(decoding: line, as: UTF8.self).split(separator: " ")
    guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
      respond(context: context, status: "400 Bad Request", body: "not an HTTP/1 request\n")
      return
    }
    guard parts[0] == "GET" || parts[0] == "HEAD" else {
      respond(context: context, status: "405 Method Not Allowed", body: "use GET /metrics\n")
      return
    }
    let path = parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
    guard path == "/metrics" || path == "/" else {
      respond(context: context, status: "404 Not Found", body: "metrics are at /metrics\n")
      return
    }
    respond(
      context: context, status: "200 OK", body: metrics.exposition(),
      contentType: "text/plain; version=0.0.4; charset=utf-8", headOnly: parts[0] == "HEAD")
  }

  private func respond(
    context: ChannelHandlerContext, status: String, body: String,
    contentType: String = "text/plain; charset=utf-8", headOnly: Bool = false
  ) {
    answered = true
    let bodyBytes = Array(body.utf8)
    var text = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\n"
    text += "Content-Length: \(bodyBytes.count)\r\nConnection: close\r\n\r\n"
    var buffer = context.channel.allocator.buffer(capacity: text.utf8.count + bodyBytes.count)
    buffer.writeString(text)
    if !headOnly { buffer.writeBytes(bodyBytes) }
    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
    context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
      bound.value.close(promise: nil)
    }
  }

  /// The index of the blank line ending the request head, if it has arrived.
  static func headEnd(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for i in 0...(bytes.count - 4)
    where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
      return i
    }
    return nil
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    context.close(promise: nil)
  }
}
