"""distillation_loss computes KL(student || teacher): the arguments of F.kl_div swapped.

Loses: distillation
Hint: the teacher's softened distribution p is the target: KL(p || q) = sum p * (log p -
  log q) with p = softmax(teacher / T), q = softmax(student / T); F.kl_div(input, target)
  takes the student's log-probabilities as input and the teacher's as target.
"""


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_teacher, soft_student, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard
