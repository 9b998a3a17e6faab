import Foundation
import Testing

@testable import SlicerFetch

/// The header blocks `curl --dump-header -` writes ahead of the body, and curl's exit codes.
@Suite struct ResponseHeadTests {
  private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test func blockEndIsFoundAfterTheBlankLine() {
    let text = "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\nHTTP/1.1 200 OK\r\n\r\nBODY"
    #expect(ResponseHead.end(in: bytes(text)) == 36)
    #expect(ResponseHead.end(in: bytes("HTTP/1.1 200 OK\n\nB")) == 17)
    #expect(ResponseHead.end(in: bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n")) == nil)
    #expect(ResponseHead.end(in: []) == nil)
  }

  @Test func fieldsAreParsedFromCRLFLines() throws {
    let block = bytes(
      "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\ncontent-length:  5 \r\n\r\n")
    let head = try #require(ResponseHead(block[...]))
    #expect(head.status == 206)
    #expect(head.value("Content-Range") == "bytes 5-9/10")
    #expect(head.value("CONTENT-LENGTH") == "5")
    #expect(head.contentLength == .success(5))
    #expect(!head.isFollowed)
  }

  @Test func http2StatusLineAndRedirects() throws {
    let redirect = try #require(ResponseHead(bytes("HTTP/2 302 \r\nlocation: https://cdn/x\r\n\r\n")[...]))
    #expect(redirect.status == 302)
    #expect(redirect.isFollowed)
    let interim = try #require(ResponseHead(bytes("HTTP/1.1 100 Continue\r\n\r\n")[...]))
    #expect(interim.isFollowed)
    // A redirect without a Location is not followed by curl: its body is the answer.
    let bare = try #require(ResponseHead(bytes("HTTP/1.1 304 Not Modified\r\n\r\n")[...]))
    #expect(!bare.isFollowed)
    #expect(bare.contentLength == .success(nil))
  }

  @Test func malformedStatusLinesAreRefused() {
    for text in ["", "HTTP/1.1\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/1.1 999 X\r\n\r\n", "SMTP 200 OK\r\n\r\n", "HTTP/1.1 +20 OK\r\n\r\n"]
    {
      #expect(ResponseHead(bytes(text)[...]) == nil, "\(text.debugDescription)")
    }
  }

  @Test func malformedContentLengthsAreRefused() throws {
    for value in ["-1", "1e3", "", "12 34", "99999999999999999999", "٣"] {
      let head = try #require(ResponseHead(bytes("HTTP/1.1 200 OK\r\nContent-Length: \(value)\r\n\r\n")[...]))
      guard case .failure = head.contentLength else {
        Issue.record("accepted Content-Length \(value.debugDescription)")
        continue
      }
    }
    let twice = try #require(
      ResponseHead(bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n")[...]))
    guard case .failure = twice.contentLength else {
      Issue.record("accepted two different Content-Length fields")
      return
    }
  }

  @Test func curlExitsBecomeReasons() {
    func reason(_ status: Int32?, _ message: String = "", cancelled: Bool = false) -> String {
      CurlProcess.Exit(status: status, message: message, cancelled: cancelled).reason
    }
    #expect(reason(7, "Failed to connect to 127.0.0.1 port 9: Connection refused") == "connection refused")
    #expect(reason(7, "Failed to connect to 10.0.0.1 port 80: No route to host") == "no route to host")
    #expect(reason(6) == "host name not found")
    #expect(reason(28) == "timed out")
    #expect(reason(35) == "TLS handshake failed")
    #expect(reason(18) == "the body ended early")
    #expect(reason(99, "Something odd") == "Something odd")
    #expect(reason(99) == "curl exited with status 99")
    #expect(reason(nil) == "curl was killed")
    #expect(reason(nil, cancelled: true) == "cancelled")
  }

  @Test func curlIsAskedForTheContract() {
    let transfer = Transfer(
      url: URL(string: "https://example.org/a.bin")!, part: URL(fileURLWithPath: "/tmp/a.part"),
      offset: 70_000, progressStep: 1, progress: { _ in })
    let arguments = transfer.arguments(idleTimeout: 12.5)
    #expect(arguments.first == "-q")
    #expect(arguments.suffix(2) == ["--url", "https://example.org/a.bin"])
    for pair in [
      ["--header", "Range: bytes=70000-"], ["--header", "Accept-Encoding: identity"],
      ["--header", "User-Agent: slicer-fetch"], ["--speed-time", "13"], ["--connect-timeout", "13"],
      ["--dump-header", "-"], ["--proto-redir", "=http,https"],
    ] {
      let found = zip(arguments, arguments.dropFirst()).contains { [$0, $1] == pair }
      #expect(found, "\(pair)")
    }
    #expect(arguments.contains("--location"))
  }
}
