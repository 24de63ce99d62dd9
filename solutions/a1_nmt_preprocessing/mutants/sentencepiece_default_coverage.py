"""train_sentencepiece keeps sentencepiece's default character_coverage of 0.9995, so the rarest characters become <unk>.

Loses: sentencepiece
Hint: pass character_coverage=1.0: the default 0.9995 leaves out the rarest characters (accented
  capitals), which then become <unk>.
"""


def train_sentencepiece(sentences, model_prefix, vocab_size, model_type="bpe"):
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_prefix=model_prefix, vocab_size=vocab_size,
        model_type=model_type, pad_id=0, unk_id=1, bos_id=2, eos_id=3,
        pad_piece="<pad>", unk_piece="<unk>", bos_piece="<sos>", eos_piece="<eos>", minloglevel=2)
    return spm.SentencePieceProcessor(model_file=f"{model_prefix}.model")
