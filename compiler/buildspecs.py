"""The CodeBuild buildspecs, build.yml and release.yml, rendered from the shipped jinja2 templates.

The templates live in the shipped `buildspecs/` folder. The variable names they read from
the environment are the ones the README's "Pipeline" table lists; `BUILD_ENV` and
`RELEASE_ACTION_ENV` list them, and tests check that the pipeline's projects set each one.
"""

from __future__ import annotations

from functools import cache

import jinja2

from compiler.ir.model import StackIR
from compiler.shipped import shipped_dir

BUILD_FILE = "build.yml"
RELEASE_FILE = "release.yml"

# The commit id file the webhook function writes into the source zip (S3 sources only).
COMMIT_FILE = ".tinystack-commit"

# Environment the Build project sets; CodeBuild itself provides AWS_REGION and
# CODEBUILD_RESOLVED_SOURCE_VERSION.
BUILD_ENV: tuple[str, ...] = ("ECR_ENDPOINT", "ECR_IMAGE_URL")
# Environment each Release action sets on top of the Release project's BUILD_ENV.
RELEASE_ACTION_ENV: tuple[str, ...] = (
    "STAGE_NAME",
    "PREVIOUS_STAGE_NAME",
    "CLUSTER_ARN",
    "SERVICE_NAME",
    "DESIRED_COUNT",
    "MIN_COUNT",
    "IMAGE_DIGEST",
)

# Manifest types release.yml may copy under a stage tag (docker and OCI, single and index).
_MEDIA_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
)


def shell_word(text: str) -> str:
    """`text` as one single-quoted bash word: nothing in it expands (`$(...)`, `"`, `;`)."""
    return "'" + text.replace("'", "'\\''") + "'"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(shipped_dir("buildspecs"))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters["shell"] = shell_word  # every spec value a command line reads
    return environment


def render_buildspec(file_name: str, ir: StackIR) -> str:
    """One buildspec (`build.yml` or `release.yml`) for `ir`."""
    app = ir.stages[0].app  # stage overrides never touch the image build
    context = {
        "name": ir.name,
        "stages": ", ".join(stage.name for stage in ir.stages),
        "dockerfile": app.dockerfile,
        "build_context": app.build_context,
        "commit_file": COMMIT_FILE,
        "media_types": " ".join(_MEDIA_TYPES),
    }
    return _environment().get_template(f"{file_name}.j2").render(context)


def render_buildspecs(ir: StackIR) -> dict[str, str]:
    """Both buildspecs of `ir`, by file name."""
    return {name: render_buildspec(name, ir) for name in (BUILD_FILE, RELEASE_FILE)}
