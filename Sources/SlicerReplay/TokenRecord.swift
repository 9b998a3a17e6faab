import Foundation
import SlicerCodec
import SlicerModel

/// One generated token of a replay as a JSON line (`--jsonl`): the token, what its step sent
/// over the link and where the time went. A step sends one position, except a turn's first,
/// which sends the whole turn's prompt; bit counts and the bitwidth histogram sum over the
/// step's positions, `distortion` is their mean, and `groups` are those of the step's last
/// position (the one whose output picked the token).
///
///     {"bits":{"header":21,"padding":5,"position":190,"scale":62,"total":408,"value":130},
///      "bitwidths":{"0":1,"2":11,"3":18,"dropped":34},"codec":"slicer:0.001",
///      "conversation":1,"distortion":0.00098,"file":"Prompts/basics.prompt",
///      "groups":[{"bits":2,"count":6,"hi":0.8,"lo":0.4,"sign":"+"},…],"k_negative":14,
///      "k_positive":16,"line":5,"log_probability":-3.2,"max_distortion":0.00099,
///      "mode":"sparse","payload_bytes":51,"piece":" Paris","positions":1,"split":2,"step":2,
///      "times":{"encode_ms":0.9,"head_ms":0.4,"round_trip_ms":1.1,"tail_ms":1.0},
///      "token":6342,"turn":1}
public struct TokenRecord: Encodable, Sendable, Equatable {
  public struct Bits: Encodable, Sendable, Equatable {
    public var total: Int
    public var header: Int
    public var position: Int
    public var scale: Int
    public var value: Int
    public var padding: Int
  }

  public struct Group: Encodable, Sendable, Equatable {
    /// "+" or "−" stream.
    public var sign: String
    public var count: Int
    public var lo: Float
    public var hi: Float
    public var bits: Int
  }

  public struct Times: Encodable, Sendable, Equatable {
    public var headMilliseconds: Double
    public var encodeMilliseconds: Double
    public var tailMilliseconds: Double
    public var roundTripMilliseconds: Double

    enum CodingKeys: String, CodingKey {
      case headMilliseconds = "head_ms"
      case encodeMilliseconds = "encode_ms"
      case tailMilliseconds = "tail_ms"
      case roundTripMilliseconds = "round_trip_ms"
    }
  }

  public var file: String
  public var conversation: Int
  public var turn: Int
  /// The prompt-file line of the turn.
  public var line: Int
  /// 1-based within the turn.
  public var step: Int
  public var token: Int
  public var piece: String
  public var logProbability: Double
  public var split: Int
  public var codec: String
  public var positions: Int
  public var payloadBytes: Int
  public var bits: Bits
  public var kPositive: Int
  public var kNegative: Int
  /// Entries per bitwidth ("dropped", "0", "1", …).
  public var bitwidths: [String: Int]
  public var groups: [Group]
  public var mode: String
  public var distortion: Double
  public var maxDistortion: Double
  public var times: Times

  enum CodingKeys: String, CodingKey {
    case file, conversation, turn, line, step, token, piece, split, codec, positions, bits
    case bitwidths, groups, mode, distortion, times
    case logProbability = "log_probability"
    case payloadBytes = "payload_bytes"
    case kPositive = "k_positive"
    case kNegative = "k_negative"
    case maxDistortion = "max_distortion"
  }

  /// The records of every generated token of a replay, in order.
  public static func records(_ result: ReplayResult) -> [TokenRecord] {
    result.turns.flatMap { turn in
      turn.steps.enumerated().map { index, step in
        TokenRecord(
          file: result.file, turn: turn, step: index, record: step,
          piece: index < turn.pieces.count ? turn.pieces[index] : "",
          dimension: result.model.hiddenSize)
      }
    }
  }

  init(
    file: String, turn: ReplayTurn, step index: Int, record step: StepRecord, piece: String,
    dimension: Int
  ) {
    var link = LinkTotals(dimension: dimension)
    link.add(step)
    self.file = file
    conversation = turn.conversation
    self.turn = turn.number
    line = turn.line
    self.step = index + 1
    token = step.token
    self.piece = piece
    logProbability = step.logProbability
    split = turn.settings.split
    codec = turn.settings.codec.description
    positions = step.positions
    payloadBytes = step.payloadBytes
    bits = Bits(
      total: link.bits, header: link.headerBits, position: link.positionBits,
      scale: link.scaleBits, value: link.valueBits, padding: link.paddingBits)
    kPositive = link.kPositive
    kNegative = link.kNegative
    var widths = Dictionary(
      uniqueKeysWithValues: link.histogram.counts.map { (String($0.key), $0.value) })
    if link.histogram.dropped > 0 { widths["dropped"] = link.histogram.dropped }
    if link.histogram.unknown > 0 { widths["unknown"] = link.histogram.unknown }
    bitwidths = widths
    groups = (step.link.last?.groups ?? []).map {
      Group(
        sign: $0.sign == .positive ? "+" : "−", count: $0.count, lo: $0.lo, hi: $0.hi,
        bits: $0.bits)
    }
    mode = step.link.last?.mode ?? ""
    distortion = link.meanDistortion
    maxDistortion = link.maxDistortion
    times = Times(
      headMilliseconds: step.headSeconds * 1e3, encodeMilliseconds: step.encodeSeconds * 1e3,
      tailMilliseconds: step.tailSeconds * 1e3, roundTripMilliseconds: step.roundTripSeconds * 1e3)
  }

  /// One JSON object per line, keys sorted; non-finite numbers as strings ("inf", "nan").
  public static func jsonLines(_ records: [TokenRecord]) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }
      .joined()
  }
}
