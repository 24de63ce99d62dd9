"""train_sentencepiece sets the special ids but keeps sentencepiece's piece names <s> and </s>.

Loses: sentencepiece
Hint: name the special pieces with pad_piece='<pad>', unk_piece='<unk>', bos_piece='<sos>',
  eos_piece='<eos>': sentencepiece calls them <s> and </s>.
"""


def train_sentencepiece(sentences, model_prefix, vocab_size, model_type="bpe"):
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_prefix=model_prefix, vocab_size=vocab_size,
        model_type=model_type, character_coverage=1.0, pad_id=0, unk_id=1, bos_id=2, eos_id=3,
        minloglevel=2)
    return spm.SentencePieceProcessor(model_file=f"{model_prefix}.model")
