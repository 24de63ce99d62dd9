"""distillation_loss averages the per-row cross-entropy over all N rows, the ignored ones counting as 0.

Loses: distillation
Hint: the cross-entropy is the mean over the rows whose label is not -100 (what
  F.cross_entropy(..., ignore_index=-100) gives), not the sum divided by all N rows.
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1), ignore_index=IGNORE_INDEX, reduction="none").mean()
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
