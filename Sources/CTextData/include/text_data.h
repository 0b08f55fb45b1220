#ifndef SCS_TEXT_DATA_H
#define SCS_TEXT_DATA_H
#include <stddef.h>

/// The CLIP tokenizer's data, compiled into the binary (text_data.c): a pointer to the bytes of
/// each file, exactly as in Sources/CTextData/data/, and their count.
typedef struct {
    const unsigned char *bytes;
    size_t count;
} scs_text_blob;

/// OpenAI's BPE vocabulary, bpe_simple_vocab_16e6.txt.gz (gzip).
scs_text_blob scs_text_openai_vocabulary(void);
/// clip-unicode.json: how the references' splitting patterns see each code point.
scs_text_blob scs_text_clip_unicode(void);
/// clip-text-cleaning.json: the tables behind clip.tokenize's text cleaning.
scs_text_blob scs_text_cleaning_tables(void);

#endif
