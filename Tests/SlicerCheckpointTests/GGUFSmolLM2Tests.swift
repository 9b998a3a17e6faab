import Foundation
import SlicerTensor
import SlicerTestSupport
import Testing

@testable import SlicerCheckpoint

/// Checks against the real SmolLM2-135M-Instruct Q4_1 file (`scripts/fetch-smollm2.sh` puts it in
/// `Weights/`). Skipped, with the reason printed, when the file is absent.
///
/// Reference numbers were computed independently with gguf-py 0.19.0 (`pip install gguf`):
/// `gguf.GGUFReader(path)` for the layout, `gguf.quants.dequantize(t.data, t.tensor_type)` (numpy)
/// for the values, printed as exact Python floats and summed in float64.
/// The model file and whether it is there (kept outside the suite: its trait refers to these).
enum SmolLM2File {
  static let url = SmolLM2Weights.url

  static let skipReason: Comment =
    "the SmolLM2 model is not in Weights/smollm2-135m-instruct/; run scripts/fetch-smollm2.sh to get it"

  static let isPresent: Bool = {
    let present = FileManager.default.fileExists(atPath: url.path)
    if !present { print("GGUFSmolLM2Tests skipped: \(skipReason)") }
    return present
  }()

  /// Opened once for the suite (opening maps the file and parses ~98k vocabulary strings).
  static let file: Result<GGUFFile, GGUFError> = Result { () throws(GGUFError) in
    try GGUFFile(url: url)
  }
}

@Suite(.enabled(if: SmolLM2File.isPresent, SmolLM2File.skipReason))
struct GGUFSmolLM2Tests {
  @Test func headerAndLlamaHyperparameters() throws {
    let file = try SmolLM2File.file.get()
    #expect(file.version == 3)
    #expect(file.fileSize == 98_362_432)
    #expect(file.alignment == 32)
    #expect(file.dataOffset == 1_785_664)
    #expect(file.metadata.count == 33)
    #expect(try file.string("general.architecture") == "llama")
    #expect(try file.int("llama.block_count") == 30)
    #expect(try file.int("llama.context_length") == 8192)
    #expect(try file.int("llama.embedding_length") == 576)
    #expect(try file.int("llama.feed_forward_length") == 1536)
    #expect(try file.int("llama.attention.head_count") == 9)
    #expect(try file.int("llama.attention.head_count_kv") == 3)
    #expect(try file.int("llama.rope.dimension_count") == 64)
    #expect(try file.int("llama.vocab_size") == 49152)
    #expect(try file.float("llama.rope.freq_base") == 100_000)
    #expect(try file.float("llama.attention.layer_norm_rms_epsilon") == 1e-5)
    #expect(try file.int("general.file_type") == 3)  // mostly Q4_1
  }

  @Test func tokenizerMetadata() throws {
    let file = try SmolLM2File.file.get()
    #expect(try file.string("tokenizer.ggml.model") == "gpt2")
    #expect(try file.string("tokenizer.ggml.pre") == "smollm")
    let tokens = try file.stringArray("tokenizer.ggml.tokens")
    #expect(tokens.count == 49152)
    #expect(Array(tokens.prefix(3)) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    let merges = try file.stringArray("tokenizer.ggml.merges")
    #expect(merges.count == 48900)
    #expect(Array(merges.prefix(3)) == ["Ġ t", "Ġ a", "i n"])
    let types = try file.intArray("tokenizer.ggml.token_type")
    #expect(types.count == 49152 && Array(types.prefix(3)) == [3, 3, 3])
    #expect(try file.int("tokenizer.ggml.bos_token_id") == 1)
    #expect(try file.int("tokenizer.ggml.eos_token_id") == 2)
    #expect(try file.bool("tokenizer.ggml.add_bos_token") == false)
    #expect(try file.string("tokenizer.chat_template").hasPrefix("{% for message in messages %}"))
  }

  @Test func tensorInventory() throws {
    let file = try SmolLM2File.file.get()
    #expect(file.tensors.count == 272)
    var types: [GGMLType: Int] = [:]
    for info in file.tensors.values { types[info.type, default: 0] += 1 }
    #expect(types == [.q4_1: 210, .f32: 61, .q8_0: 1])
    #expect(file.tensors.values.reduce(0) { $0 + $1.elementCount } == 134_515_008)

    let embedding = try file.tensor("token_embd.weight")
    #expect(
      embedding.type == .q8_0 && embedding.dimensions == [576, 49152]
        && embedding.shape == [49152, 576])
    #expect(embedding.offset == 1_785_664 && embedding.byteCount == 30_081_024)
    let q = try file.tensor("blk.0.attn_q.weight")
    #expect(
      q.type == .q4_1 && q.shape == [576, 576] && q.byteCount == 207_360 && q.offset == 33_806_656)
    #expect(try file.tensor("blk.0.attn_k.weight").shape == [192, 576])
    #expect(try file.tensor("blk.29.ffn_down.weight").shape == [576, 1536])
    #expect(try file.tensor("blk.29.ffn_gate.weight").shape == [1536, 576])
    #expect(try file.tensor("output_norm.weight").type == .f32)
    #expect(try file.tensor("blk.17.attn_norm.weight").type == .f32)
    #expect(file.tensors["output.weight"] == nil)  // tied to token_embd
  }

  @Test func dequantizedValuesMatchGGUFPy() throws {
    let file = try SmolLM2File.file.get()

    // token_embd (Q8_0): the first block's bytes, then rows 0 and 49151.
    let raw = try file.rawBytes("token_embd.weight")
    #expect(Array(raw.prefix(6)) == [0x32, 0x19, 0xD6, 0x0D, 0x13, 0xF7])
    let embedding = try file.floats("token_embd.weight")
    #expect(embedding.count == 49152 * 576)
    #expect(
      Array(embedding[0..<8]) == [
        -0.10654449462890625, 0.032978057861328125, 0.048198699951171875, -0.022830963134765625,
        -0.06849288940429688, -0.04566192626953125, 0.020294189453125, -0.12176513671875,
      ])
    #expect(embedding[575] == 0.029754638671875)
    let last = 49151 * 576
    #expect(
      Array(embedding[last..<last + 4]) == [
        0.011505126953125, 0.0057525634765625, 0.0977935791015625, -0.0977935791015625,
      ])
    #expect(embedding[last + 575] == -0.0417022705078125)
    #expect(abs(sum(embedding) - -15353.0444941521) < 1e-6)

    // blk.0.attn_q (Q4_1): rows 0 and 575.
    let q = try file.floats("blk.0.attn_q.weight")
    #expect(
      Array(q[0..<8]) == [
        -0.0963134765625, 0.1573486328125, -0.0963134765625, -0.73046875, 1.1719970703125,
        -0.0963134765625, 0.030517578125, 0.6646728515625,
      ])
    #expect(q[575] == 0.12353515625)
    #expect(
      Array(q[575 * 576..<575 * 576 + 3]) == [
        -0.15679931640625, 0.154327392578125, 0.34100341796875,
      ])
    #expect(abs(sum(q) - 59.2232208252) < 1e-6)

    // blk.29.ffn_down (Q4_1, shape [576, 1536]): row 0.
    let down = try file.floats("blk.29.ffn_down.weight")
    #expect(
      Array(down[0..<4]) == [-0.2733154296875, 0.186279296875, 0.186279296875, 0.04840087890625])
    #expect(down[1535] == -0.054412841796875)

    // Norms (F32).
    let norm = try file.floats("output_norm.weight")
    #expect(Array(norm[0..<4]) == [1.7578125, 1.8203125, 1.78125, 1.6015625])
    #expect(abs(sum(norm) - 1038.33203125) < 1e-9)
    #expect(
      Array(try file.floats("blk.0.attn_norm.weight")[0..<3]) == [
        0.01397705078125, 0.0238037109375, -0.019775390625,
      ])
  }

  private func sum(_ values: [Float]) -> Double {
    values.reduce(0) { $0 + Double($1) }
  }
}
