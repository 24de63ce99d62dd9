"""distillation_loss softens the teacher's logits by T but compares them with the student's unsoftened ones.

Loses: distillation
Hint: in the KL both distributions are softened by the same temperature: q =
  softmax(student / T) as well as p = softmax(teacher / T) (only the cross-entropy uses the
  unsoftened student logits).
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
