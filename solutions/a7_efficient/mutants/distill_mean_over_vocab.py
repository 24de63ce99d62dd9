"""distillation_loss averages the KL over every element (F.kl_div's reduction="mean"), dividing it by V as well.

Loses: distillation
Hint: the KL of one row is a SUM over the V classes; only the rows are averaged:
  F.kl_div(..., reduction="batchmean") (sum, divided by N), not reduction="mean" (divided by
  N * V).
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="mean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
