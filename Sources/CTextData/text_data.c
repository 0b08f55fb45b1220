// The CLIP tokenizer's data (scripts/make_text_resources.py writes data/), compiled into the
// binary with the assembler's .incbin, so that a copied or installed `scs` carries it: no resource
// folder has to travel beside the executable. SwiftPM's alternatives were measured and rejected:
// a resource bundle is found only beside the binary or in the build folder (the installed binary
// stopped at the first prompt it tokenized), and `.embedInCode` turns the 1.3 MB vocabulary into
// a Swift array literal that takes 170 s (debug) and 409 s (release) to compile. .incbin costs
// nothing; the files are found through the target's header search path (data/, Package.swift).
// The build does not track them as dependencies: make_text_resources.py touches this file after
// writing them, so the next build reads them again.
#include "text_data.h"

#define SCS_INCBIN(name, file)                                                                    \
    __asm__(".section .rodata\n"                                                                  \
            ".balign 16\n"                                                                        \
            ".local " #name "_start\n" #name "_start:\n"                                          \
            ".incbin \"" file "\"\n"                                                              \
            ".local " #name "_end\n" #name "_end:\n"                                              \
            ".previous\n");                                                                       \
    extern const unsigned char name##_start[], name##_end[];                                      \
    scs_text_blob name(void) {                                                                    \
        return (scs_text_blob){name##_start, (size_t)(name##_end - name##_start)};                 \
    }

SCS_INCBIN(scs_text_openai_vocabulary, "bpe_simple_vocab_16e6.txt.gz")
SCS_INCBIN(scs_text_clip_unicode, "clip-unicode.json")
SCS_INCBIN(scs_text_cleaning_tables, "clip-text-cleaning.json")
