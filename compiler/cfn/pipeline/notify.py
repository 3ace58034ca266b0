"""Pipeline notifications: an SNS topic (+ email subscriptions) told of failures and approvals.

An EventBridge rule sends every FAILED execution of the pipeline to the topic as one
readable line; the topic policy lets only that rule publish. Manual approval actions
notify the same topic.
"""

from __future__ import annotations

import hashlib

from troposphere import GetAtt, Ref, Template, codepipeline, events, sns

from compiler.cfn.common.names import logical_id
from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR

TOPIC = "NotificationTopic"
FAILED_RULE = "PipelineFailedRule"


def _email_id(email: str) -> str:
    # readable, and still unique when two addresses differ only in punctuation
    digest = hashlib.sha256(email.encode("utf-8")).hexdigest()[:6]
    return logical_id("Email", email.split("@")[0], digest)


def add_topic(template: Template, ir: StackIR) -> sns.Topic:
    """The notification topic and one email subscription per `alarms.emails`."""
    topic = template.add_resource(
        sns.Topic(TOPIC, DisplayName=f"{ir.name} pipeline", **tag_list(ir))
    )
    for email in ir.alarms.emails:
        template.add_resource(
            sns.SubscriptionResource(
                _email_id(email), TopicArn=Ref(topic), Protocol="email", Endpoint=email
            )
        )
    return topic


def add_failure_rule(
    template: Template, ir: StackIR, topic: sns.Topic, pipeline: codepipeline.Pipeline
) -> None:
    """Send the pipeline's failed executions to `topic`."""
    pattern = {
        "source": ["aws.codepipeline"],
        "detail-type": ["CodePipeline Pipeline Execution State Change"],
        "detail": {"state": ["FAILED"], "pipeline": [Ref(pipeline)]},
    }
    message = events.InputTransformer(
        InputPathsMap={"pipeline": "$.detail.pipeline", "execution": "$.detail.execution-id"},
        InputTemplate=f'"{ir.name}: pipeline <pipeline> execution <execution> failed."',
    )
    rule = template.add_resource(
        events.Rule(
            FAILED_RULE,
            Description=f"tell {ir.name}'s operators when the pipeline fails",
            EventPattern=pattern,
            State="ENABLED",
            Targets=[events.Target(Id="topic", Arn=Ref(topic), InputTransformer=message)],
            **tag_list(ir),
        )
    )
    publish = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": Ref(topic),
        "Condition": {"ArnEquals": {"aws:SourceArn": GetAtt(rule, "Arn")}},
    }
    template.add_resource(
        sns.TopicPolicy(
            "NotificationTopicPolicy",
            Topics=[Ref(topic)],
            PolicyDocument={"Version": "2012-10-17", "Statement": [publish]},
        )
    )
