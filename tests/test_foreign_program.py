"""Foreign Pulumi Python programs run offline (gnnstack.foreign.program): fixture programs shaped
like real ones (tests/data/programs/), their graphs, and every way a project can be wrong."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from gnnstack.errors import ConfigError
from gnnstack.foreign.program import ACCOUNT, ForeignMocks, _unique_names, capture_project, load_project
from gnnstack.graph import SECRET, ResourceGraph

PROGRAMS = Path(__file__).parent / "data" / "programs"


@pytest.fixture(scope="module", autouse=True)
def _aws_loaded():
    """Import the pulumi-aws modules the fixtures use once, before the captures fork, so each
    child does not import them again (what `capture.preload` does for gnnstack's program)."""
    import pulumi_aws as aws

    for service in ("apigatewayv2", "cloudwatch", "dynamodb", "ec2", "ecs", "eks", "glue", "iam", "lambda_", "lb",
                    "rds", "redshift", "s3", "sqs"):
        getattr(aws, service)


def counts(graph: ResourceGraph) -> Counter:
    return Counter(r.type for r in graph)


def one(graph: ResourceGraph, typ: str):
    found = graph.of_type(typ)
    assert len(found) == 1, (typ, found)
    return found[0]


def test_web_app_on_fargate_with_postgres():
    graph = capture_project(PROGRAMS / "webapp")  # its only stack file: dev
    assert (graph.stack, graph.option) == ("dev", "shop-web")
    assert counts(graph) == Counter({
        "aws:ec2/subnet:Subnet": 4, "aws:ec2/routeTableAssociation:RouteTableAssociation": 2,
        "aws:ec2/securityGroup:SecurityGroup": 3, "aws:ec2/vpc:Vpc": 1, "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/routeTable:RouteTable": 1, "shop:network:Network": 1, "pulumi:providers:aws": 1,
        "aws:lb/loadBalancer:LoadBalancer": 1, "aws:lb/targetGroup:TargetGroup": 1, "aws:lb/listener:Listener": 1,
        "aws:ecs/cluster:Cluster": 1, "aws:ecs/taskDefinition:TaskDefinition": 1, "aws:ecs/service:Service": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1, "aws:iam/role:Role": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:rds/subnetGroup:SubnetGroup": 1, "aws:rds/instance:Instance": 1})
    # The provider carries the stack's region; the subnets the zones getAvailabilityZones gave.
    assert one(graph, "pulumi:providers:aws").inputs["region"] == "eu-west-1"
    assert sorted(r.inputs["availabilityZone"] for r in graph.of_type("aws:ec2/subnet:Subnet")) == \
        ["eu-west-1a", "eu-west-1a", "eu-west-1b", "eu-west-1b"]
    db = one(graph, "aws:rds/instance:Instance")
    assert db.inputs["instanceClass"] == "db.t3.medium"  # from the stack file
    assert db.inputs["password"] == SECRET  # a `secure:` value, never decrypted
    assert (db.inputs["engine"], db.inputs["multiAz"], db.inputs["allocatedStorage"]) == ("postgres", True, 50)
    service = one(graph, "aws:ecs/service:Service")
    assert (service.inputs["desiredCount"], service.inputs["launchType"]) == (2, "FARGATE")  # Pulumi.yaml default
    task = one(graph, "aws:ecs/taskDefinition:TaskDefinition")
    assert (task.inputs["cpu"], task.inputs["memory"]) == ("512", "1024")
    # An apply over outputs ran: the container definitions name the log group and the region.
    container = json.loads(task.inputs["containerDefinitions"])[0]
    assert container["logConfiguration"]["options"]["awslogs-region"] == "eu-west-1"
    assert container["image"] == "public.ecr.aws/nginx/nginx:1.27"
    # A component and its VPC share the name "shop" (and so does the ECS cluster): each gets a
    # name of its own, and the VPC stays the component's child.
    vpc = one(graph, "aws:ec2/vpc:Vpc")
    assert (vpc.name, vpc.parent) == ("shop [Vpc]", "shop [Network]")
    assert len(graph.names) == len(graph)
    # ARNs shaped like real ones reach the inputs that read them.
    listener = one(graph, "aws:lb/listener:Listener")
    assert listener.inputs["loadBalancerArn"].startswith(
        f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/web-")


def test_eks_cluster_and_managed_node_group():
    graph = capture_project(PROGRAMS / "eks")
    assert graph.stack == "staging"
    assert counts(graph) == Counter({"aws:iam/role:Role": 2, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 4,
                                     "aws:eks/cluster:Cluster": 1, "aws:eks/nodeGroup:NodeGroup": 1})
    nodes = one(graph, "aws:eks/nodeGroup:NodeGroup")
    assert nodes.inputs["instanceTypes"] == ["m5.large"]
    assert nodes.inputs["scalingConfig"] == {"desiredSize": 3, "minSize": 1, "maxSize": 6}
    assert len(nodes.inputs["subnetIds"]) == 3  # getSubnets answered
    cluster = one(graph, "aws:eks/cluster:Cluster")
    assert cluster.inputs["tags"] == {"owner": ACCOUNT}  # getCallerIdentity answered
    assert nodes.inputs["clusterName"].startswith("platform-")
    # getPolicyDocument renders JSON a role accepts.
    policy = json.loads(graph.names["eks-cluster"].inputs["assumeRolePolicy"])
    assert policy["Statement"][0]["Principal"] == {"Service": ["eks.amazonaws.com"]}


def test_serverless_api_from_its_own_virtualenv_and_main_folder():
    graph = capture_project(PROGRAMS / "serverless")
    assert counts(graph) == Counter({
        "aws:dynamodb/table:Table": 1, "aws:sqs/queue:Queue": 1, "aws:iam/role:Role": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1, "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:lambda/function:Function": 2, "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
        "aws:apigatewayv2/api:Api": 1, "aws:apigatewayv2/integration:Integration": 1,
        "aws:apigatewayv2/route:Route": 2, "aws:apigatewayv2/stage:Stage": 1, "aws:lambda/permission:Permission": 1})
    # `orders_shared` exists only in the project's venv/; the table's key comes from it.
    table = one(graph, "aws:dynamodb/table:Table")
    assert (table.inputs["hashKey"], table.inputs["billingMode"]) == ("orderId", "PAY_PER_REQUEST")
    api_fn = graph.names["orders-api"]
    assert api_fn.inputs["memorySize"] == 512  # Pulumi.prod.yaml
    assert api_fn.inputs["environment"]["variables"]["QUEUE"].startswith(
        f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/order-events-")
    integration = one(graph, "aws:apigatewayv2/integration:Integration")
    assert integration.inputs["integrationUri"].startswith(
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:{ACCOUNT}:"
        "function:orders-api-")
    assert one(graph, "aws:lambda/permission:Permission").inputs["sourceArn"].startswith(
        f"arn:aws:execute-api:us-east-1:{ACCOUNT}:")


def test_data_warehouse_needs_a_stack_of_two():
    with pytest.raises(ConfigError) as e:
        capture_project(PROGRAMS / "warehouse")
    assert "2 stacks in" in str(e.value) and "dev, prod" in str(e.value) and "--stack" in str(e.value)
    graph = capture_project(PROGRAMS / "warehouse", stack="prod")  # stackConfigDir: config
    assert counts(graph) == Counter({
        "aws:s3/bucket:Bucket": 3, "aws:s3/bucketVersioning:BucketVersioning": 1,
        "aws:s3/bucketObjectv2:BucketObjectv2": 1, "aws:iam/role:Role": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1, "aws:glue/catalogDatabase:CatalogDatabase": 1,
        "aws:glue/crawler:Crawler": 1, "aws:glue/job:Job": 1, "aws:glue/trigger:Trigger": 1,
        "aws:redshift/subnetGroup:SubnetGroup": 1, "aws:redshift/cluster:Cluster": 1})
    cluster = one(graph, "aws:redshift/cluster:Cluster")
    assert (cluster.inputs["nodeType"], cluster.inputs["numberOfNodes"]) == ("ra3.4xlarge", 4)
    assert cluster.inputs["masterPassword"] == SECRET
    job = one(graph, "aws:glue/job:Job")
    assert (job.inputs["workerType"], job.inputs["numberOfWorkers"]) == ("G.1X", 5)
    assert job.inputs["command"]["scriptLocation"].startswith("s3://glue-scripts-")
    # A bucket's id is its name, as on AWS.
    assert graph.names["curated [BucketVersioning]"].inputs["bucket"].startswith("curated-")


@pytest.mark.slow  # one more capture of a fixture the fast tests capture already
def test_config_overrides_win_and_bare_keys_get_the_project_namespace():
    graph = capture_project(PROGRAMS / "warehouse", stack="dev",
                            config={"nodeType": "dc2.large", "analytics-warehouse:nodes": "1"})
    cluster = one(graph, "aws:redshift/cluster:Cluster")
    assert (cluster.inputs["nodeType"], cluster.inputs["numberOfNodes"], cluster.inputs["clusterType"]) == \
        ("dc2.large", 1, "single-node")


def test_region_comes_from_config_then_the_argument_else_an_error():
    assert load_project(PROGRAMS / "eks", region="eu-central-1").region == "us-west-2"  # the stack's wins
    run = load_project(PROGRAMS / "broken", region="ap-southeast-1")
    assert (run.region, run.config["aws:region"], run.stack) == ("ap-southeast-1", "ap-southeast-1", "dev")
    with pytest.raises(ConfigError, match="no AWS region.*--region"):
        load_project(PROGRAMS / "broken")


def test_a_stack_that_does_not_exist_names_the_ones_that_do():
    with pytest.raises(ConfigError, match=r"no stack file Pulumi\.qa\.yaml .* dev, prod"):
        load_project(PROGRAMS / "warehouse", stack="qa")


def test_a_typescript_project_is_sent_to_preview_json():
    with pytest.raises(ConfigError) as e:
        capture_project(PROGRAMS / "nodejs")
    assert "runtime is 'nodejs'" in str(e.value) and "pulumi preview --json" in str(e.value)
    assert str(e.value).startswith(str(PROGRAMS / "nodejs" / "Pulumi.yaml"))


def test_a_program_that_raises_names_its_own_file_and_line():
    with pytest.raises(ConfigError) as e:
        capture_project(PROGRAMS / "broken", region="us-east-1")
    assert "program failed at sizing.py:5 (in the program, not gnnstack or pulumi): KeyError: 'huge'" in str(e.value)


def test_a_missing_package_names_the_import_and_the_fix():
    with pytest.raises(ConfigError) as e:
        capture_project(PROGRAMS / "missingpkg", region="us-east-1")
    message = str(e.value)
    assert "imports 'pulumi_datadog' (__main__.py:2)" in message
    assert "requirements.txt" in message and "virtualenv" in message


def test_a_program_that_registers_nothing_says_so():
    with pytest.raises(ConfigError, match="registered no resources"):
        capture_project(PROGRAMS / "empty", region="us-east-1")


def test_a_missing_required_config_value_says_how_to_set_it(tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(PROGRAMS / "warehouse", project)
    (project / "config" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-2\n")
    with pytest.raises(ConfigError) as e:
        capture_project(project, stack="dev")
    assert "program failed at __main__.py:7" in str(e.value)
    assert "--config analytics-warehouse:nodeType=VALUE" in str(e.value)


def test_what_the_program_prints_stays_off_stdout(tmp_path, capfd):
    project = tmp_path / "chatty"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: chatty\nruntime: python\n")
    (project / "__main__.py").write_text('import pulumi_aws as aws\nprint("hello")\naws.sqs.Queue("q")\n')
    graph = capture_project(project, region="us-east-1")
    assert [r.name for r in graph] == ["q"]
    out, err = capfd.readouterr()
    assert "hello" not in out and "hello" in err


def test_a_named_virtualenv_that_does_not_exist_is_an_error(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: p\nruntime:\n  name: python\n  options:\n    virtualenv: env\n")
    (project / "__main__.py").write_text("")
    with pytest.raises(ConfigError, match="virtualenv names 'env', which does not exist"):
        load_project(project, region="us-east-1")


def test_mocks_answer_like_aws():
    from pulumi.runtime import mocks

    m = ForeignMocks("eu-west-1")
    ident, state = m.new_resource(mocks.MockResourceArgs("aws:lambda/function:Function", "fn", {}, "", None))
    assert ident == "fn-id" and state["arn"].startswith(f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:fn-")
    ident2, state2 = m.new_resource(mocks.MockResourceArgs("aws:lambda/function:Function", "fn", {}, "", None))
    assert (ident2, state2) == (ident, state)  # deterministic
    _, role = m.new_resource(mocks.MockResourceArgs("aws:iam/role:Role", "r", {"name": "app"}, "", None))
    assert role["arn"] == f"arn:aws:iam::{ACCOUNT}:role/app"
    vpc_id, _ = m.new_resource(mocks.MockResourceArgs("aws:ec2/vpc:Vpc", "main", {}, "", None))
    assert vpc_id.startswith("vpc-0")

    def call(token, args=None):
        return m.call(mocks.MockCallArgs(token, args or {}, ""))
    assert call("aws:index/getAvailabilityZones:getAvailabilityZones")["names"] == \
        ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert call("aws:ec2/getAmi:getAmi", {"mostRecent": True})["id"].startswith("ami-0")
    assert call("aws:index/getCallerIdentity:getCallerIdentity")["accountId"] == ACCOUNT
    assert call("aws:index/getRegion:getRegion")["name"] == "eu-west-1"
    doc = json.loads(call("aws:iam/getPolicyDocument:getPolicyDocument", {"statements": [
        {"actions": ["s3:GetObject"], "resources": ["*"]}]})["json"])
    assert doc == {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                           "Resource": "*"}]}
    assert call("aws:ssm/getParameter:getParameter", {"name": "/x"})["name"] == "/x"  # echoed


def test_unique_names_do_not_depend_on_arrival_order():
    records = [("urn:a", "", "my:c:Web", "web", False, {}), ("urn:b", "urn:a", "aws:lb/loadBalancer:LoadBalancer",
                                                                "web", True, {}),
               ("urn:c", "", "aws:alb/loadBalancer:LoadBalancer", "web", True, {}),
               ("urn:d", "", "aws:s3/bucket:Bucket", "logs", True, {})]
    names = _unique_names(records)
    assert names == {"urn:a": "web [Web]", "urn:b": "web [aws:lb/loadBalancer:LoadBalancer]",
                     "urn:c": "web [aws:alb/loadBalancer:LoadBalancer]", "urn:d": "logs"}
    assert _unique_names(list(reversed(records))) == names


def test_an_error_inside_an_apply_names_the_lambdas_line(tmp_path):
    project = tmp_path / "applies"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: applies\nruntime: python\n")
    (project / "__main__.py").write_text(
        'import pulumi_aws as aws\n\nqueue = aws.sqs.Queue("q")\n'
        'aws.sqs.Queue("dlq", name=queue.arn.apply(lambda arn: arn.split(":")[99]))\n')
    with pytest.raises(ConfigError, match=r"program failed at __main__\.py:4 .*IndexError"):
        capture_project(project, region="us-east-1")


def test_a_missing_value_from_an_esc_environment_says_it_is_not_read_offline(tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(PROGRAMS / "warehouse", project)
    (project / "config" / "Pulumi.dev.yaml").write_text(
        "environment:\n  - analytics/dev\nconfig:\n  aws:region: us-east-2\n")
    with pytest.raises(ConfigError, match=r"ESC environment\(s\) analytics/dev, which are not read offline"):
        capture_project(project, stack="dev")


@pytest.mark.slow  # one more capture of a fixture the fast tests capture already
def test_two_captures_of_one_program_are_identical():
    first, second = (capture_project(PROGRAMS / "serverless") for _ in range(2))
    assert [r.to_json() for r in first] == [r.to_json() for r in second]
    assert [r.custom for r in first] == [r.custom for r in second]


def _waiting_project(tmp_path, body: str):
    project = tmp_path / "waits"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: waits\nruntime: python\n")
    (project / "__main__.py").write_text(body)
    return project


def test_a_program_that_never_finishes_is_stopped_and_says_where_it_waited(tmp_path):
    import multiprocessing

    project = _waiting_project(tmp_path, 'import time\nimport pulumi_aws as aws\n\naws.sqs.Queue("q")\n\n\n'
                                         'def wait_for_service():\n    time.sleep(3600)\n\n\nwait_for_service()\n')
    with pytest.raises(ConfigError) as e:
        capture_project(project, region="us-east-1", timeout=1)
    message = str(e.value)
    assert message.startswith(f"{project}: the program did not finish in 1 s under mocks and was stopped.")
    assert "It was at __main__.py:8." in message  # the sleep inside the function, not the call on line 11
    assert "--timeout SECONDS" in message
    assert multiprocessing.active_children() == []  # the child was stopped, not left running


def test_a_program_waiting_inside_a_library_is_placed_at_its_own_line_that_called_it(tmp_path):
    project = _waiting_project(tmp_path, "import threading\n\nthreading.Event().wait()\n")
    with pytest.raises(ConfigError) as e:
        capture_project(project, region="us-east-1", timeout=1)
    assert "It was at __main__.py:3." in str(e.value)  # the program's own line that called into threading


def test_the_timeout_help_states_the_default_the_program_runner_uses():
    from click.testing import CliRunner

    from gnnstack.cli import main
    from gnnstack.foreign.program import DEFAULT_TIMEOUT

    out = CliRunner().invoke(main, ["estimate", "--help"], terminal_width=200).output
    assert f"(default {DEFAULT_TIMEOUT:g})" in " ".join(out.split())


def test_timeout_is_for_folders_not_json_files(tmp_path):
    from click.testing import CliRunner

    from gnnstack.cli import main

    plan = tmp_path / "plan.json"
    plan.write_text('{"steps": []}')
    result = CliRunner().invoke(main, ["estimate", str(plan), "--timeout", "10"])
    assert result.exit_code == 2 and "--timeout applies to a project folder" in result.output
