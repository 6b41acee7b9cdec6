"""Each submitted version's chained digest (plans.models.VersionSeal): made once all its files are
stored, and checked whenever a stored file is served or a reviewer reads the version."""

import hashlib

from django.db import IntegrityError, transaction

from plans import deadlines
from plans.models import Submission, SubmissionFile, VersionSeal


def _previous_seal(submission):
    previous_plan_id = submission.plan.previous_id
    if previous_plan_id is None:
        return None
    return VersionSeal.objects.filter(submission__plan_id=previous_plan_id).first()


def seal_version(submission):
    """Seal the version once, from its stored files (called when its last file job finishes)."""
    if VersionSeal.objects.filter(submission=submission).exists():
        return VersionSeal.objects.get(submission=submission)
    files = dict(SubmissionFile.objects.filter(submission=submission).values_list("kind", "sha256"))
    if not files:
        return None
    previous = _previous_seal(submission)
    previous_digest = previous.digest if previous else ""
    try:
        with transaction.atomic():
            return VersionSeal.objects.create(
                submission=submission,
                files=files,
                previous_digest=previous_digest,
                digest=VersionSeal.digest_of(previous_digest, submission.content_hash, files),
                sealed_at=deadlines.now(),
            )
    except IntegrityError:  # another worker sealed it first
        return VersionSeal.objects.get(submission=submission)


def seal_problems(submission):
    """What does not hold of the version's record, in words for a reviewer (empty when it all holds,
    or when its files are still being prepared and it is not sealed yet)."""
    seal = VersionSeal.objects.filter(submission=submission).first()
    stored = {f.kind: f for f in SubmissionFile.objects.filter(submission=submission)}
    if seal is None:
        return []
    problems = []
    if seal.digest != VersionSeal.digest_of(seal.previous_digest, submission.content_hash, seal.files):
        problems.append("The version's recorded digest does not match its content reference and files.")
    previous = _previous_seal(submission)
    if (previous.digest if previous else "") != seal.previous_digest:
        problems.append("The chain to the previous version does not hold: that version's record has changed.")
    for kind, sha in seal.files.items():
        file = stored.get(kind)
        if file is None:
            problems.append(f"The {kind.upper()} file of this version is missing.")
        elif file.sha256 != sha:
            problems.append(f"The {kind.upper()} file is not the one sealed with this version: it was replaced.")
        elif hashlib.sha256(bytes(file.content)).hexdigest() != sha:
            problems.append(f"The {kind.upper()} file's bytes do not match their SHA-256.")
    for kind in stored.keys() - seal.files.keys():
        problems.append(f"A {kind.upper()} file was added to this version after it was sealed.")
    return problems


def file_holds(stored):
    """The stored file's bytes are the ones sealed with its version (or, before sealing, the ones
    recorded when it was stored)."""
    if hashlib.sha256(bytes(stored.content)).hexdigest() != stored.sha256:
        return False
    seal = VersionSeal.objects.filter(submission_id=stored.submission_id).first()
    if seal is None:
        return True
    submission = Submission.objects.select_related("plan").get(pk=stored.submission_id)
    if seal.files.get(stored.kind) != stored.sha256:
        return False
    return not seal_problems(submission)
