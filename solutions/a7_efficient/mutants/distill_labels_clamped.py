"""distillation_loss clamps the labels to [0, V) so that -100 becomes class 0, instead of ignoring them.

Loses: distillation
Hint: a label of -100 means "no hard label here": the cross-entropy skips those rows
  (ignore_index=-100) and averages over the others; it must not score them as class 0.
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1).clamp(min=0))
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
