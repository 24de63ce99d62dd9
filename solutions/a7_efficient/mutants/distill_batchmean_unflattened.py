"""distillation_loss takes the batchmean KL of [B, T, V] logits unflattened: divided by B, not N = B * T.

Loses: distillation
Hint: flatten the logits to rows [N, V] (N = B * T positions) before the KL:
  reduction="batchmean" divides by the size of the first dimension, which for [B, T, V] is
  B, not the number of positions.
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    soft_student = F.log_softmax(student_logits / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher_logits / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student_logits.reshape(-1, vocab), labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
