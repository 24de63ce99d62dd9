"""distillation_loss weights the soft term by 1 - alpha and the cross-entropy by alpha.

Loses: distillation
Hint: alpha weights the soft (teacher) term and 1 - alpha the hard (cross-entropy) term:
  alpha * T**2 * KL + (1 - alpha) * CE, so alpha = 0 is plain cross-entropy.
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return (1 - alpha) * temperature ** 2 * kl + alpha * hard
