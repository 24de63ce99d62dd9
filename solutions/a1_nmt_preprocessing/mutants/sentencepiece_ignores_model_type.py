"""train_sentencepiece always trains a BPE model, whatever model_type it is given.

Loses: sentencepiece
Hint: pass model_type=model_type to the trainer: the caller may ask for a unigram model.
"""


def train_sentencepiece(sentences, model_prefix, vocab_size, model_type="bpe"):
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_prefix=model_prefix, vocab_size=vocab_size, model_type="bpe",
        character_coverage=1.0, pad_id=0, unk_id=1, bos_id=2, eos_id=3,
        pad_piece="<pad>", unk_piece="<unk>", bos_piece="<sos>", eos_piece="<eos>", minloglevel=2)
    return spm.SentencePieceProcessor(model_file=f"{model_prefix}.model")
