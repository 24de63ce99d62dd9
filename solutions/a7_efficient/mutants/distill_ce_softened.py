"""distillation_loss computes the cross-entropy on the softened student logits (student / T).

Loses: distillation
Hint: only the soft term is softened: the cross-entropy with the true labels uses the
  UNSOFTENED student logits, F.cross_entropy(student_logits, labels), as at inference.
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student / temperature, labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
