"""distillation_loss leaves out the T**2 factor of the soft term.

Loses: distillation
Hint: multiply the KL by T**2: softening by T shrinks the soft term's gradients by 1/T**2,
  and T**2 brings them back to the size of the hard term's (alpha * T**2 * KL).
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return alpha * kl + (1 - alpha) * hard
