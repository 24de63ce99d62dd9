"""train_sentencepiece keeps sentencepiece's default special ids (unk=0, bos=1, eos=2, no pad).

Loses: sentencepiece
Hint: pass pad_id=0, unk_id=1, bos_id=2, eos_id=3 to the trainer: sentencepiece's defaults are unk
  0, bos 1, eos 2 and no pad.
"""


def train_sentencepiece(sentences, model_prefix, vocab_size, model_type="bpe"):
    spm.SentencePieceTrainer.train(sentence_iterator=iter(sentences), model_prefix=model_prefix,
                                   vocab_size=vocab_size, model_type=model_type, character_coverage=1.0,
                                   minloglevel=2)
    return spm.SentencePieceProcessor(model_file=f"{model_prefix}.model")
