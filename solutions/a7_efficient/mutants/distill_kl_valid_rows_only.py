"""distillation_loss averages the KL only over the rows whose label is not -100.

Loses: distillation
Hint: -100 concerns the hard labels only: the teacher has a distribution for every
  position, so the KL is averaged over ALL N rows; only the cross-entropy skips the rows
  labelled -100.
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    flat = labels.reshape(-1)
    keep = flat != IGNORE_INDEX
    soft_student = F.log_softmax(student[keep] / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher[keep] / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, flat, ignore_index=IGNORE_INDEX)
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
