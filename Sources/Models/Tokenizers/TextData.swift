import CTextData
import Foundation

/// The CLIP tokenizer's data, compiled into the binary (Sources/CTextData, written by
/// scripts/make_text_resources.py): nothing to find on disk, so an installed or copied `scs`
/// tokenizes as the development build does. The bytes live in the binary's read-only data for the
/// life of the process, so they are wrapped, not copied.
enum TextData {
    /// OpenAI's BPE vocabulary (gzip), and the name its errors give it.
    static var openAIVocabulary: Data { wrap(scs_text_openai_vocabulary()) }
    static let openAIVocabularyName = "scs's bpe_simple_vocab_16e6.txt.gz"
    /// How the references' splitting patterns see each code point.
    static var clipUnicode: Data { wrap(scs_text_clip_unicode()) }
    /// The tables behind clip.tokenize's text cleaning.
    static var cleaningTables: Data { wrap(scs_text_cleaning_tables()) }

    private static func wrap(_ blob: scs_text_blob) -> Data {
        Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: blob.bytes), count: blob.count, deallocator: .none)
    }
}
