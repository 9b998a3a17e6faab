/// The character classes the GPT-2 split pattern distinguishes.
enum ScalarClass: UInt8 {
  /// U+0020, the only scalar the pattern's optional prefix ` ?` accepts.
  case space
  /// Any other scalar with the Unicode White_Space property (`\s`): tab, newline, U+00A0, ...
  case whitespace
  /// General category L* (`\p{L}`).
  case letter
  /// General category N* (`\p{N}`: Nd, Nl, No).
  case number
  /// Everything else (`[^\s\p{L}\p{N}]`): punctuation, symbols, marks, controls, unassigned.
  case other

  var isWhitespace: Bool { self == .space || self == .whitespace }

  init(_ scalar: Unicode.Scalar) {
    if scalar.value < 0x80 {
      self = ScalarClass.ascii[Int(scalar.value)]
      return
    }
    let properties = scalar.properties
    if properties.isWhitespace {
      self = .whitespace
      return
    }
    switch properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      self = .letter
    case .decimalNumber, .letterNumber, .otherNumber:
      self = .number
    default:
      self = .other
    }
  }

  /// Classes of the 128 ASCII scalars, precomputed because they are most of any text.
  private static let ascii: [ScalarClass] = (0..<128).map { value in
    switch value {
    case 0x20: .space
    case 0x09...0x0D: .whitespace
    case 0x30...0x39: .number
    case 0x41...0x5A, 0x61...0x7A: .letter
    default: .other
    }
  }
}

/// A text as Unicode scalars with their classes and their places in the UTF-8 bytes, so that the
/// pre-tokenizer can split on scalars while BPE works on the bytes between the split points.
struct ScalarText {
  /// The scalar values, in order.
  private(set) var values: [UInt32] = []
  /// `classes[i]` is the class of `values[i]`.
  private(set) var classes: [ScalarClass] = []
  /// `byteOffsets[i]` is where scalar `i` starts in the UTF-8 bytes; one extra entry at the end
  /// holds the total byte count, so scalar `i` spans `byteOffsets[i]..<byteOffsets[i + 1]`.
  private(set) var byteOffsets: [Int] = []

  var count: Int { values.count }

  init(_ text: Substring) {
    values.reserveCapacity(text.utf8.count)
    classes.reserveCapacity(text.utf8.count)
    byteOffsets.reserveCapacity(text.utf8.count + 1)
    var offset = 0
    for scalar in text.unicodeScalars {
      values.append(scalar.value)
      classes.append(ScalarClass(scalar))
      byteOffsets.append(offset)
      offset += UTF8.width(scalar)
    }
    byteOffsets.append(offset)
  }
}
