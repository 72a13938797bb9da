#!/usr/bin/env python3
"""Build one fargate-doctor test scenario in a moto server, through the AWS API.

Usage: python seed.py <scenario>        (python seed.py --list shows them)

The endpoint comes from AWS_ENDPOINT_URL (credentials and region from the usual AWS_* variables;
the region is us-east-1 unless the scenario needs another). On success, ONE JSON object goes to
stdout with the IDs the Rust test needs (cluster, service, subnets, route tables, security
groups, endpoints, NAT gateways ...). Anything else goes to stderr.

moto quirks this file works around (see shared/reference/moto-notes.md):
- every container gets `memory` (moto's RunTask crashes without it);
- a new custom network ACL has no entries at all: we add the rules a scenario needs plus the
  explicit rule-32767 deny-alls AWS shows;
- interface endpoints get explicit security groups (moto leaves Groups empty otherwise);
- CreateService validates subnets and security groups, so a "missing subnet" service is made by
  deleting a subnet after the service exists;
- a route to a deleted NAT gateway stays `active` in moto (AWS says `blackhole`): the tool must
  read the NAT's `deleted` state;
- moto never creates the ECS service-linked role (and its CreateServiceLinkedRole misnames it
  `AWSServiceRoleForecs`): main() creates `AWSServiceRoleForECS` as AWS names it, for every
  scenario but the ones marked `@without_slr`;
- S3 is addressed path-style (a bucket name cannot be a host name of the local endpoint);
- ECR reports `imageSizeInBytes` = the manifest's `config.size` for a single-platform manifest
  (nothing for a manifest list): a large image is seeded by its config size.
"""

import hashlib
import json
import os
import sys

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"
EXEC_ROLE = "ecsTaskExecutionRole"
EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
LOG_GROUP = "/ecs/app"
CLUSTER = "prod"
SERVICE = "web"
STOPPED_REASON = (
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
    "retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 "
    "time(s): RequestError: send request failed caused by: Post "
    '"https://api.ecr.us-east-1.amazonaws.com/": dial tcp 52.46.134.163:443: i/o timeout'
)

ALL_INTERFACE = ("ecr.api", "ecr.dkr", "logs")
MULTI_ARCH = (("linux", "amd64"), ("linux", "arm64"))
ECR_PULL = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
SECRET_READS = ["secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt"]
MISSING_SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf"
GIB = 1 << 30
SLR_NAME = "AWSServiceRoleForECS"
SLR_PATH = "/aws-service-role/ecs.amazonaws.com/"
SLR_POLICY = "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"
TASK_ROLE = "appTaskRole"
EFS_CLIENT = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
MISSING_FS = "fs-0123456789abcdef0"
MISSING_ACCESS_POINT = "fsap-0123456789abcdef0"
ENV_BUCKET = f"app-config-{ACCOUNT}"
ENV_KEY = "web/app.env"
LAYER_BUCKET = "prod-{region}-starport-layer-bucket"
REPO_MISSING_REASON = (
    "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve "
    f"ref {ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/missing:1: "
    f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/missing:1: not found"
)


def log(msg):
    print(msg, file=sys.stderr)


def role_arn(name=EXEC_ROLE):
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def ecr_uri(repo="app", tag="1", region="us-east-1", account=ACCOUNT):
    return f"{account}.dkr.ecr.{region}.amazonaws.com/{repo}:{tag}"


def stmt(effect, actions, resources="*", principal=None):
    """One policy statement; `resources=None` leaves Resource out (repository policies)."""
    out = {"Effect": effect, "Action": actions}
    if principal is not None:
        out["Principal"] = principal
    if resources is not None:
        out["Resource"] = resources
    return out


def allow(actions, resources="*", principal=None):
    return stmt("Allow", actions, resources, principal)


def deny(actions, resources="*", principal=None):
    return stmt("Deny", actions, resources, principal)


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class World:
    """One region of the moto account, with small composable builders."""

    def __init__(self, region="us-east-1"):
        self.region = region
        endpoint = os.environ["AWS_ENDPOINT_URL"]

        def client(name, **kw):
            return boto3.client(name, region_name=region, endpoint_url=endpoint, **kw)

        self.ec2 = client("ec2")
        self.ecs = client("ecs")
        self.ecr = client("ecr")
        self.iam = client("iam")
        self.logs = client("logs")
        self.sm = client("secretsmanager")
        self.ssm = client("ssm")
        self.efs = client("efs")
        self.s3 = client("s3", config=Config(s3={"addressing_style": "path"}))
        self.route53 = client("route53")
        self.resolver = client("route53resolver")
        self.kms = client("kms")
        self._igws = {}
        self._sg_count = 0

    def az(self, letter):
        return f"{self.region}{letter}"

    # ------------------------------------------------------------------ VPC, subnets, routing

    def vpc(self, cidr="10.0.0.0/16", dns_support=True, dns_hostnames=True):
        vpc = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        # AWS needs support on before hostnames can be on, and hostnames off before support off.
        if dns_support:
            self.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
            self.ec2.modify_vpc_attribute(
                VpcId=vpc, EnableDnsHostnames={"Value": dns_hostnames}
            )
        else:
            self.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
            self.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
        return vpc

    def igw(self, vpc):
        if vpc not in self._igws:
            igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            self._igws[vpc] = igw
        return self._igws[vpc]

    def route_table(self, vpc, routes=()):
        """A new route table; `routes` are create_route kwargs without RouteTableId."""
        rtb = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for route in routes:
            self.ec2.create_route(RouteTableId=rtb, **route)
        return rtb

    def main_route_table(self, vpc):
        tables = self.ec2.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"]
        return tables[0]["RouteTableId"]

    def add_default_route(self, rtb, **target):
        self.ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", **target)

    def subnet(self, vpc, cidr, az, rtb=None):
        subnet = self.ec2.create_subnet(
            VpcId=vpc, CidrBlock=cidr, AvailabilityZone=self.az(az)
        )["Subnet"]["SubnetId"]
        if rtb:
            self.ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
        return subnet

    def public_route_table(self, vpc):
        return self.route_table(
            vpc, [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": self.igw(vpc)}]
        )

    def nat_gateway(self, subnet, private=False):
        if private:
            nat = self.ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")
        else:
            eip = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
            nat = self.ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
        return nat["NatGateway"]["NatGatewayId"]

    def fill_subnet(self, subnet):
        """Create ENIs until the subnet has no free IPv4 address (moto counts them down)."""
        while True:
            free = self.ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0][
                "AvailableIpAddressCount"
            ]
            if free <= 0:
                return
            self.ec2.create_network_interface(SubnetId=subnet, Description="filler")

    def dhcp_options(self, vpc, servers):
        dopt = self.ec2.create_dhcp_options(
            DhcpConfigurations=[{"Key": "domain-name-servers", "Values": list(servers)}]
        )["DhcpOptions"]["DhcpOptionsId"]
        self.ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc)
        return dopt

    def nacl(self, vpc, subnets, entries):
        """A custom network ACL with `entries` (rule, egress, protocol, action, cidr, from, to)
        plus the explicit deny-alls, associated with `subnets`."""
        acl = self.ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        for rule, egress, proto, action, cidr, port_from, port_to in list(entries) + [
            (32767, False, "-1", "deny", "0.0.0.0/0", None, None),
            (32767, True, "-1", "deny", "0.0.0.0/0", None, None),
        ]:
            kw = dict(
                NetworkAclId=acl,
                RuleNumber=rule,
                Protocol=proto,
                RuleAction=action,
                Egress=egress,
                CidrBlock=cidr,
            )
            if port_from is not None:
                kw["PortRange"] = {"From": port_from, "To": port_to}
            self.ec2.create_network_acl_entry(**kw)
        for subnet in subnets:
            assoc = self.ec2.describe_network_acls(
                Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
            )["NetworkAcls"][0]
            assoc_id = next(
                a["NetworkAclAssociationId"]
                for a in assoc["Associations"]
                if a["SubnetId"] == subnet
            )
            self.ec2.replace_network_acl_association(AssociationId=assoc_id, NetworkAclId=acl)
        return acl

    # ------------------------------------------------------------------ security groups

    def sg(self, vpc, name=None, egress="all", ingress=()):
        """A security group. egress="all" keeps the default allow-all egress; a list replaces it
        with those IpPermissions (an empty list: no egress at all)."""
        self._sg_count += 1
        name = name or f"sg-{self._sg_count}"
        sg = self.ec2.create_security_group(VpcId=vpc, GroupName=name, Description=name)[
            "GroupId"
        ]
        if egress != "all":
            self.ec2.revoke_security_group_egress(
                GroupId=sg,
                IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            )
            if egress:
                self.ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=list(egress))
        if ingress:
            self.ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=list(ingress))
        return sg

    def s3_prefix_list(self):
        lists = self.ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{self.region}.s3"]}]
        )["PrefixLists"]
        return lists[0]["PrefixListId"]

    @staticmethod
    def tcp443(sg=None, cidr=None, prefix_list=None):
        perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
        if sg:
            perm["UserIdGroupPairs"] = [{"GroupId": sg}]
        if cidr:
            perm["IpRanges"] = [{"CidrIp": cidr}]
        if prefix_list:
            perm["PrefixListIds"] = [{"PrefixListId": prefix_list}]
        return perm

    # ------------------------------------------------------------------ VPC endpoints

    def interface_endpoints(self, vpc, services, subnets, sgs, private_dns=True, policies=None):
        """{short service name: vpce id}; `private_dns` may be a bool or {short name: bool};
        `policies` {short name: policy JSON} (moto stores it verbatim; default: full access)."""
        out = {}
        for svc in services:
            dns = private_dns.get(svc, True) if isinstance(private_dns, dict) else private_dns
            kw = {"PolicyDocument": policies[svc]} if policies and svc in policies else {}
            out[svc] = self.ec2.create_vpc_endpoint(
                VpcId=vpc,
                ServiceName=f"com.amazonaws.{self.region}.{svc}",
                VpcEndpointType="Interface",
                SubnetIds=list(subnets),
                SecurityGroupIds=list(sgs),
                PrivateDnsEnabled=dns,
                **kw,
            )["VpcEndpoint"]["VpcEndpointId"]
        return out

    def s3_gateway(self, vpc, route_tables, policy=None):
        kw = {"PolicyDocument": policy} if policy else {}
        return self.ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{self.region}.s3",
            VpcEndpointType="Gateway",
            RouteTableIds=list(route_tables),
            **kw,
        )["VpcEndpoint"]["VpcEndpointId"]

    # ------------------------------------------------------------------ IAM, ECR, logs, secrets

    def exec_role(
        self,
        name=EXEC_ROLE,
        trusted="ecs-tasks.amazonaws.com",
        managed=True,
        inline=None,
        boundary=None,
    ):
        """A role trusted by the `trusted` service, with AmazonECSTaskExecutionRolePolicy when
        `managed`, the inline policies {name: [statements]} (default: `secrets`, the secret
        reads on *) and the permissions boundary `boundary` (a policy ARN)."""
        trust = policy(allow("sts:AssumeRole", None, {"Service": trusted}))
        kw = {"PermissionsBoundary": boundary} if boundary else {}
        arn = self.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kw)
        if managed:
            self.iam.attach_role_policy(RoleName=name, PolicyArn=EXEC_POLICY)
        if inline is None:
            inline = {"secrets": [allow(SECRET_READS)]}
        for pname, statements in inline.items():
            self.iam.put_role_policy(
                RoleName=name, PolicyName=pname, PolicyDocument=policy(*statements)
            )
        return arn

    def create_role(self, **kw):
        """The role's ARN. IAM is global: a scenario seeded after another one in another Region
        (a scan of two Regions) finds the roles of the first, with the same trust."""
        try:
            return self.iam.create_role(**kw)["Role"]["Arn"]
        except self.iam.exceptions.EntityAlreadyExistsException:
            return self.iam.get_role(RoleName=kw["RoleName"])["Role"]["Arn"]

    def managed_policy(self, name, statements):
        return self.iam.create_policy(PolicyName=name, PolicyDocument=policy(*statements))[
            "Policy"
        ]["Arn"]

    def service_linked_role(self):
        """The ECS service-linked role as AWS names it (moto never creates it), with its managed
        policy. Returns its ARN."""
        trust = policy(allow("sts:AssumeRole", None, {"Service": "ecs.amazonaws.com"}))
        arn = self.create_role(
            RoleName=SLR_NAME,
            Path=SLR_PATH,
            AssumeRolePolicyDocument=trust,
            Description="Role to enable Amazon ECS to manage your cluster.",
        )
        self.iam.attach_role_policy(RoleName=SLR_NAME, PolicyArn=SLR_POLICY)
        return arn

    def task_role(self, name=TASK_ROLE, statements=()):
        """A task role (trusted by ecs-tasks.amazonaws.com) with one inline policy `app` of
        `statements` (none: no policy at all)."""
        inline = {"app": list(statements)} if statements else {}
        return self.exec_role(name=name, managed=False, inline=inline)

    # ------------------------------------------------------------------ S3 environment files

    def env_file(self, bucket=ENV_BUCKET, key=ENV_KEY, put=True):
        """A bucket and (when `put`) the object `key` in it; returns the object ARN that
        `environmentFiles[].value` names."""
        self.s3.create_bucket(Bucket=bucket)
        if put:
            self.s3.put_object(Bucket=bucket, Key=key, Body=b"APP_ENV=prod\nLOG_LEVEL=info\n")
        return f"arn:aws:s3:::{bucket}/{key}"

    @staticmethod
    def env_file_reads(bucket=ENV_BUCKET, key=ENV_KEY):
        """What the execution role needs for one env file (taskdef-envfiles.md)."""
        return [
            allow("s3:GetObject", f"arn:aws:s3:::{bucket}/{key}"),
            allow("s3:GetBucketLocation", f"arn:aws:s3:::{bucket}"),
        ]

    # ------------------------------------------------------------------ EFS

    def file_system(self, name="app-data"):
        """An encrypted EFS file system; returns (id, ARN)."""
        fs = self.efs.create_file_system(
            CreationToken=name,
            Encrypted=True,
            PerformanceMode="generalPurpose",
            Tags=[{"Key": "Name", "Value": name}],
        )
        return fs["FileSystemId"], fs["FileSystemArn"]

    def mount_target(self, fs, subnet, sgs):
        return self.efs.create_mount_target(
            FileSystemId=fs, SubnetId=subnet, SecurityGroups=list(sgs)
        )["MountTargetId"]

    def access_point(self, fs):
        return self.efs.create_access_point(
            FileSystemId=fs,
            PosixUser={"Uid": 1000, "Gid": 1000},
            RootDirectory={
                "Path": "/app",
                "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"},
            },
        )["AccessPointId"]

    def file_system_policy(self, fs, statements):
        self.efs.put_file_system_policy(FileSystemId=fs, Policy=policy(*statements))

    # ------------------------------------------------------------------ Route 53 Resolver

    def resolver_rule(self, vpc, subnets, kind, domain, name):
        """A Resolver rule of `kind` for `domain`, associated with `vpc`; a FORWARD rule sends
        to 10.99.0.2:53 through an outbound endpoint in `subnets`. Returns the rule ID."""
        kw = {}
        if kind == "FORWARD":
            sg = self.sg(vpc, name=f"{name}-resolver")
            endpoint = self.resolver.create_resolver_endpoint(
                CreatorRequestId=f"{name}-endpoint",
                Name=f"{name}-outbound",
                SecurityGroupIds=[sg],
                Direction="OUTBOUND",
                IpAddresses=[{"SubnetId": s} for s in subnets[:2]],
            )["ResolverEndpoint"]["Id"]
            kw = {"ResolverEndpointId": endpoint, "TargetIps": [{"Ip": "10.99.0.2", "Port": 53}]}
        rule = self.resolver.create_resolver_rule(
            CreatorRequestId=name, Name=name, RuleType=kind, DomainName=domain, **kw
        )["ResolverRule"]["Id"]
        self.resolver.associate_resolver_rule(ResolverRuleId=rule, VPCId=vpc, Name=name)
        return rule

    # ------------------------------------------------------------------ Route 53

    def private_zone(self, vpc, name):
        """A private hosted zone associated with `vpc`; returns its bare ID (no /hostedzone/)."""
        zone = self.route53.create_hosted_zone(
            Name=name,
            VPC={"VPCRegion": self.region, "VPCId": vpc},
            CallerReference=f"{name}-{vpc}",
            HostedZoneConfig={"PrivateZone": True, "Comment": "internal overrides"},
        )["HostedZone"]["Id"]
        return zone.rsplit("/", 1)[-1]

    def records(self, zone, records):
        """Create `records`: (name, type, value) triples."""
        self.route53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "CREATE",
                        "ResourceRecordSet": {
                            "Name": name,
                            "Type": rtype,
                            "TTL": 300,
                            "ResourceRecords": [{"Value": value}],
                        },
                    }
                    for name, rtype, value in records
                ]
            },
        )

    def ecr_image(self, repo="app", tag="1", platforms=MULTI_ARCH, size=None):
        """A repository with a manifest list of `platforms` ((os, arch) pairs; default linux
        amd64 + arm64) under `tag`. With `size` (bytes), a single-platform image manifest instead
        (no platform list), whose config and one layer are `size` bytes: moto reports
        imageSizeInBytes = config.size for it."""
        self.ecr.create_repository(repositoryName=repo)
        if size is not None:
            media = "application/vnd.docker.distribution.manifest.v2+json"
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": media,
                    "config": {
                        "mediaType": "application/vnd.docker.container.image.v1+json",
                        "size": size,
                        "digest": "sha256:" + "c" * 64,
                    },
                    "layers": [
                        {
                            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                            "size": size,
                            "digest": "sha256:" + "d" * 64,
                        }
                    ],
                }
            )
        else:
            # As a real push does: every platform image is in the repository (untagged), and
            # the manifest list refers to them by digest.
            children = []
            for c, (os_name, arch) in zip("abcdef", platforms):
                child_media = "application/vnd.docker.distribution.manifest.v2+json"
                child = json.dumps(
                    {
                        "schemaVersion": 2,
                        "mediaType": child_media,
                        "config": {
                            "mediaType": "application/vnd.docker.container.image.v1+json",
                            "size": 50_000_000,
                            "digest": "sha256:" + c * 64,
                        },
                        "layers": [
                            {
                                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                                "size": 50_000_000,
                                "digest": "sha256:" + c * 63 + "0",
                            }
                        ],
                    }
                )
                digest = "sha256:" + hashlib.sha256(child.encode()).hexdigest()
                self.ecr.put_image(
                    repositoryName=repo,
                    imageManifest=child,
                    imageManifestMediaType=child_media,
                    imageDigest=digest,
                )
                children.append((digest, len(child), os_name, arch))
            media = "application/vnd.docker.distribution.manifest.list.v2+json"
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": media,
                    "manifests": [
                        {
                            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                            "size": size_,
                            "digest": digest,
                            "platform": {"architecture": arch, "os": os_name},
                        }
                        for digest, size_, os_name, arch in children
                    ],
                }
            )
        self.ecr.put_image(
            repositoryName=repo,
            imageManifest=manifest,
            imageManifestMediaType=media,
            imageTag=tag,
            imageDigest="sha256:" + hashlib.sha256(manifest.encode()).hexdigest(),
        )
        return f"{ACCOUNT}.dkr.ecr.{self.region}.amazonaws.com/{repo}:{tag}"

    def log_group(self, name=LOG_GROUP):
        self.logs.create_log_group(logGroupName=name)
        return name

    def secret(self, name="db", kms_key=None):
        kw = {"KmsKeyId": kms_key} if kms_key else {}
        return self.sm.create_secret(Name=name, SecretString='{"password":"p"}', **kw)["ARN"]

    def customer_key(self):
        """A customer managed KMS key with the default key policy (the account's IAM decides)."""
        return self.kms.create_key(Description="app secrets")["KeyMetadata"]["Arn"]

    def parameter(self, name="/app/db-password"):
        self.ssm.put_parameter(Name=name, Value="p", Type="SecureString")
        return f"arn:aws:ssm:{self.region}:{ACCOUNT}:parameter{name}"

    # ------------------------------------------------------------------ ECS

    def cluster(self, name=CLUSTER):
        self.ecs.create_cluster(clusterName=name)
        return name

    def task_definition(
        self,
        family="app",
        image=None,
        cpu="256",
        memory="512",
        arch=None,
        logs=True,
        secrets=(),
        role=True,
        os_family=None,
        repo_creds=None,
        log_options=None,
        volumes=None,
        mount_points=None,
        environment_files=None,
        task_role_arn=None,
        ephemeral_gib=None,
        proxy=None,
    ):
        """`role`: True (ecsTaskExecutionRole), False (none) or a role ARN; `log_options` are
        added to the awslogs options (an option whose value is None is removed);
        `repo_creds` is the repositoryCredentials secret. `volumes`, `mount_points` (of the
        container), `environment_files` (S3 object ARNs), `task_role_arn`, `ephemeral_gib`
        (ephemeralStorage.sizeInGiB) and `proxy` (proxyConfiguration) are passed when given."""
        container = {
            "name": "app",
            "image": image or f"{ACCOUNT}.dkr.ecr.{self.region}.amazonaws.com/app:1",
            "essential": True,
            "memory": min(512, int(memory)),
        }
        if logs:
            options = {
                "awslogs-group": LOG_GROUP,
                "awslogs-region": self.region,
                "awslogs-stream-prefix": "app",
                **(log_options or {}),
            }
            container["logConfiguration"] = {
                "logDriver": "awslogs",
                "options": {k: v for k, v in options.items() if v is not None},
            }
        if repo_creds:
            container["repositoryCredentials"] = {"credentialsParameter": repo_creds}
        if secrets:
            container["secrets"] = [
                {"name": f"SECRET_{i}", "valueFrom": v} for i, v in enumerate(secrets)
            ]
        if mount_points:
            container["mountPoints"] = list(mount_points)
        if environment_files:
            container["environmentFiles"] = [
                {"value": arn, "type": "s3"} for arn in environment_files
            ]
        kw = dict(
            family=family,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu=cpu,
            memory=memory,
            containerDefinitions=[container],
        )
        if role:
            kw["executionRoleArn"] = role_arn() if role is True else role
        if arch or os_family:
            kw["runtimePlatform"] = {
                "cpuArchitecture": arch or "X86_64",
                "operatingSystemFamily": os_family or "LINUX",
            }
        if volumes:
            kw["volumes"] = list(volumes)
        if task_role_arn:
            kw["taskRoleArn"] = task_role_arn
        if ephemeral_gib:
            kw["ephemeralStorage"] = {"sizeInGiB": ephemeral_gib}
        if proxy:
            kw["proxyConfiguration"] = proxy
        return self.ecs.register_task_definition(**kw)["taskDefinition"]["taskDefinitionArn"]

    @staticmethod
    def awsvpc(subnets, sgs, public_ip):
        return {
            "awsvpcConfiguration": {
                "subnets": list(subnets),
                "securityGroups": list(sgs),
                "assignPublicIp": "ENABLED" if public_ip else "DISABLED",
            }
        }

    def service(self, td, subnets, sgs, public_ip=False, pv="1.4.0", name=SERVICE, desired=2):
        return self.ecs.create_service(
            cluster=CLUSTER,
            serviceName=name,
            taskDefinition=td,
            desiredCount=desired,
            launchType="FARGATE",
            platformVersion=pv,
            networkConfiguration=self.awsvpc(subnets, sgs, public_ip),
        )["service"]["serviceArn"]

    def app(
        self, role_kw=None, platforms=MULTI_ARCH, log_group=LOG_GROUP, image_size=None, **td_kwargs
    ):
        """The usual dependencies of the `app` task (execution role, ECR image, log group,
        cluster) and its task definition. Returns the task definition ARN. `role_kw` are
        exec_role kwargs (False: no role is created), `platforms` those of the app:1 image
        (`image_size`: a single-platform image of that many bytes instead), `log_group=None`
        creates no log group."""
        if role_kw is not False:
            self.exec_role(**(role_kw or {}))
        self.ecr_image(platforms=platforms, size=image_size)
        if log_group:
            self.log_group(log_group)
        self.cluster()
        return self.task_definition(**td_kwargs)


# ---------------------------------------------------------------------------------------------
# Network templates. Each returns a dict of IDs that goes into the scenario's output.
# ---------------------------------------------------------------------------------------------


def public_net(w, azs=("a", "b"), task_egress="all", **vpc_kw):
    """IGW, one public route table, one public subnet per AZ, a task SG."""
    vpc = w.vpc(**vpc_kw)
    rtb = w.public_route_table(vpc)
    subnets = [w.subnet(vpc, f"10.0.{i + 1}.0/24", az, rtb) for i, az in enumerate(azs)]
    task_sg = w.sg(vpc, "task", egress=task_egress)
    return {
        "vpc": vpc,
        "igw": w.igw(vpc),
        "route_table": rtb,
        "subnets": subnets,
        "task_sg": task_sg,
    }


def nat_net(w, azs=("a", "b"), nat_private=False, nat_subnet_public=True):
    """A public subnet with a NAT gateway, and private task subnets routing 0.0.0.0/0 to it."""
    vpc = w.vpc()
    if nat_subnet_public:
        nat_rtb = w.public_route_table(vpc)
    else:
        w.igw(vpc)  # attached, but the NAT subnet does not route to it
        nat_rtb = w.route_table(vpc)
    nat_subnet = w.subnet(vpc, "10.0.0.0/24", "a", nat_rtb)
    nat = w.nat_gateway(nat_subnet, private=nat_private)
    rtb = w.route_table(vpc, [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat}])
    subnets = [w.subnet(vpc, f"10.0.{i + 1}.0/24", az, rtb) for i, az in enumerate(azs)]
    return {
        "vpc": vpc,
        "igw": w.igw(vpc),
        "nat": nat,
        "nat_subnet": nat_subnet,
        "nat_route_table": nat_rtb,
        "route_table": rtb,
        "subnets": subnets,
        "task_sg": w.sg(vpc, "task"),
    }


def endpoint_net(
    w,
    services=ALL_INTERFACE,
    s3=True,
    azs=("a", "b"),
    endpoint_azs=None,
    dns_hostnames=True,
    private_dns=True,
    task_egress_s3=True,
    endpoint_ingress=True,
    s3_on_main=False,
    policies=None,
):
    """Private subnets with no default route; interface endpoints in the task subnets with an
    endpoint SG; an S3 gateway endpoint on the task route table; a task SG that allows only
    443 to the endpoint SG and to the S3 prefix list."""
    vpc = w.vpc(dns_hostnames=True)
    rtb = w.route_table(vpc)
    subnets = [w.subnet(vpc, f"10.0.{i + 1}.0/24", az, rtb) for i, az in enumerate(azs)]
    pl = w.s3_prefix_list()
    endpoint_sg = w.sg(vpc, "endpoints")
    egress = [w.tcp443(sg=endpoint_sg)]
    if task_egress_s3:
        egress.append(w.tcp443(prefix_list=pl))
    task_sg = w.sg(vpc, "task", egress=egress)
    if endpoint_ingress:
        w.ec2.authorize_security_group_ingress(
            GroupId=endpoint_sg, IpPermissions=[w.tcp443(sg=task_sg)]
        )
    ep_subnets = [s for s, az in zip(subnets, azs) if endpoint_azs is None or az in endpoint_azs]
    endpoints = w.interface_endpoints(
        vpc, services, ep_subnets, [endpoint_sg], private_dns, policies
    )
    out = {
        "vpc": vpc,
        "route_table": rtb,
        "main_route_table": w.main_route_table(vpc),
        "subnets": subnets,
        "task_sg": task_sg,
        "endpoint_sg": endpoint_sg,
        "endpoints": endpoints,
        "s3_prefix_list": pl,
    }
    if s3:
        out["s3_endpoint"] = w.s3_gateway(vpc, [out["main_route_table"] if s3_on_main else rtb])
    if not dns_hostnames:
        # After the endpoints exist, as someone who turns the attribute off later would.
        w.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    return out


def with_service(w, net, td, public_ip=False, pv="1.4.0", sgs=None, subnets=None):
    net["cluster"] = CLUSTER
    net["service"] = SERVICE
    net["task_definition"] = td
    net["service_arn"] = w.service(
        td,
        subnets if subnets is not None else net["subnets"],
        sgs if sgs is not None else [net["task_sg"]],
        public_ip=public_ip,
        pv=pv,
    )
    return net


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


# Scenarios that must NOT get the ECS service-linked role main() creates for all the others.
NO_SLR = set()


def without_slr(fn):
    NO_SLR.add(fn.__name__.replace("_", "-"))
    return fn


@scenario
def healthy_public(w):
    """IGW + assignPublicIp ENABLED, two AZs. Also registers `hub` (Docker Hub image) for the
    preflight tests."""
    td = w.app()
    net = with_service(w, public_net(w), td, public_ip=True)
    net["hub_task_definition"] = w.task_definition(family="hub", image="nginx:latest")
    return net


@scenario
def healthy_nat(w):
    """Private subnets -> NAT in a public subnet; the task subnets have a custom NACL that allows
    exactly what is needed; the VPC has explicit AmazonProvidedDNS DHCP options."""
    td = w.app()
    net = nat_net(w)
    net["dhcp_options"] = w.dhcp_options(net["vpc"], ["AmazonProvidedDNS"])
    net["nacl"] = w.nacl(
        net["vpc"],
        net["subnets"],
        [
            (100, True, "6", "allow", "0.0.0.0/0", 443, 443),
            (100, False, "6", "allow", "0.0.0.0/0", 1024, 65535),
        ],
    )
    return with_service(w, net, td)


@scenario
def healthy_endpoints(w):
    """No internet path; ecr.api, ecr.dkr, logs interface endpoints + S3 gateway; PV LATEST."""
    td = w.app()
    return with_service(w, endpoint_net(w), td, pv="LATEST")


@scenario
def pv13_arm64(w):
    td = w.app(arch="ARM64")
    return with_service(w, public_net(w), td, public_ip=True, pv="1.3.0")


@scenario
def pv13_json_key_secret(w):
    secret = w.secret()
    td = w.app(secrets=[f"{secret}:password::"])
    net = with_service(w, public_net(w), td, public_ip=True, pv="1.3.0")
    net["secret"] = secret
    return net


@scenario
def task_size_invalid(w):
    td = w.app(cpu="256", memory="4096")
    return with_service(w, public_net(w), td, public_ip=True)


@scenario
def single_az(w):
    td = w.app()
    return with_service(w, public_net(w, azs=("a", "a")), td, public_ip=True)


@scenario
def az_unsupported(w):
    """ca-central-1: moto's ca-central-1d is cac1-az4, where Fargate (Linux) does not run;
    ca-central-1a is cac1-az1 (supported)."""
    assert w.region == "ca-central-1"
    td = w.app()
    net = with_service(w, public_net(w, azs=("a", "d")), td, public_ip=True)
    net["supported_subnet"], net["unsupported_subnet"] = net["subnets"]
    zones = {
        z["ZoneName"]: z["ZoneId"]
        for z in w.ec2.describe_availability_zones()["AvailabilityZones"]
    }
    net["zone_ids"] = [zones[w.az("a")], zones[w.az("d")]]
    return net


@scenario
def no_free_ip(w):
    """Subnet 1 is a /28 full of ENIs (AvailableIpAddressCount 0); subnet 2 is fine."""
    td = w.app()
    vpc = w.vpc()
    rtb = w.public_route_table(vpc)
    full = w.subnet(vpc, "10.0.1.0/28", "a", rtb)
    ok = w.subnet(vpc, "10.0.2.0/24", "b", rtb)
    w.fill_subnet(full)
    net = {
        "vpc": vpc,
        "route_table": rtb,
        "subnets": [full, ok],
        "full_subnet": full,
        "ok_subnet": ok,
        "task_sg": w.sg(vpc, "task"),
    }
    return with_service(w, net, td, public_ip=True)


@scenario
def foreign_sg(w):
    """The service's second security group belongs to another VPC."""
    td = w.app()
    net = public_net(w)
    other_vpc = w.vpc(cidr="10.1.0.0/16")
    net["other_vpc"] = other_vpc
    net["foreign_sg"] = w.sg(other_vpc, "foreign")
    return with_service(w, net, td, public_ip=True, sgs=[net["task_sg"], net["foreign_sg"]])


@scenario
def deleted_subnet(w):
    """A service whose second subnet was deleted after the service was created."""
    td = w.app()
    net = with_service(w, public_net(w), td, public_ip=True)
    net["deleted_subnet"] = net["subnets"][1]
    net["remaining_subnet"] = net["subnets"][0]
    w.ec2.delete_subnet(SubnetId=net["deleted_subnet"])
    return net


@scenario
def no_default_route(w):
    """Private subnets, no NAT, no endpoints."""
    td = w.app()
    vpc = w.vpc()
    rtb = w.route_table(vpc)
    subnets = [w.subnet(vpc, f"10.0.{i + 1}.0/24", az, rtb) for i, az in enumerate("ab")]
    net = {"vpc": vpc, "route_table": rtb, "subnets": subnets, "task_sg": w.sg(vpc, "task")}
    return with_service(w, net, td)


@scenario
def fleet(w):
    """A cluster of many healthy services on one task definition behind a NAT gateway
    (FD_SEED_SERVICES of them, default 200), and one more, `broken`, whose subnet has only the
    local route: a scan must diagnose them all and name the broken one."""
    td = w.app()
    net = nat_net(w)
    count = int(os.environ.get("FD_SEED_SERVICES", "200"))
    names = [f"svc-{i:04d}" for i in range(count)]
    for name in names:
        w.service(td, net["subnets"], [net["task_sg"]], name=name, desired=1)
    bad_rtb = w.route_table(net["vpc"])
    bad = w.subnet(net["vpc"], "10.0.9.0/24", "b", bad_rtb)
    w.service(td, [bad], [net["task_sg"]], name="broken", desired=1)
    net.update({"services": names + ["broken"], "broken_subnet": bad, "task_definition": td})
    net["cluster"] = CLUSTER
    return net


@scenario
def mixed_subnets(w):
    """Subnet `nat_ok` routes to a NAT gateway; subnet `no_route` has only the local route."""
    td = w.app()
    net = nat_net(w, azs=("a",))
    good = net["subnets"][0]
    bad_rtb = w.route_table(net["vpc"])
    bad = w.subnet(net["vpc"], "10.0.9.0/24", "b", bad_rtb)
    net.update(
        {
            "subnets": [good, bad],
            "nat_ok_subnet": good,
            "no_route_subnet": bad,
            "no_route_route_table": bad_rtb,
        }
    )
    return with_service(w, net, td)


@scenario
def public_no_public_ip(w):
    td = w.app()
    return with_service(w, public_net(w), td, public_ip=False)


@scenario
def public_ip_via_nat(w):
    """assignPublicIp ENABLED, but the subnets route 0.0.0.0/0 to a NAT gateway (works)."""
    td = w.app()
    return with_service(w, nat_net(w), td, public_ip=True)


@scenario
def blackhole_deleted_nat(w):
    td = w.app()
    net = nat_net(w)
    w.ec2.delete_nat_gateway(NatGatewayId=net["nat"])
    return with_service(w, net, td)


@scenario
def nat_in_private_subnet(w):
    td = w.app()
    return with_service(w, nat_net(w, nat_subnet_public=False), td)


@scenario
def private_nat(w):
    """A private NAT gateway (ConnectivityType=private) as the default route."""
    td = w.app()
    return with_service(w, nat_net(w, nat_private=True), td)


@scenario
def opaque_tgw(w):
    """0.0.0.0/0 -> transit gateway."""
    td = w.app()
    vpc = w.vpc()
    tgw = w.ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    rtb = w.route_table(vpc)
    subnets = [w.subnet(vpc, f"10.0.{i + 1}.0/24", az, rtb) for i, az in enumerate("ab")]
    w.ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=subnets)
    w.add_default_route(rtb, TransitGatewayId=tgw)
    net = {
        "vpc": vpc,
        "tgw": tgw,
        "route_table": rtb,
        "subnets": subnets,
        "task_sg": w.sg(vpc, "task"),
    }
    return with_service(w, net, td)


def hub_peering(w, vpc, rtb, routes):
    """A hub VPC 10.99.0.0/16 with a public subnet and a NAT gateway, peered with `vpc`; `rtb`
    (the task subnets' table) routes each of `routes` to the peering connection."""
    hub = w.vpc(cidr="10.99.0.0/16")
    hub_public = w.subnet(hub, "10.99.0.0/24", "a", w.public_route_table(hub))
    w.nat_gateway(hub_public)
    pcx = w.ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=hub)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    w.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for cidr in routes:
        w.ec2.create_route(
            RouteTableId=rtb, DestinationCidrBlock=cidr, VpcPeeringConnectionId=pcx
        )
    return hub, hub_public, pcx


@scenario
def peering_default_route(w):
    """Private task subnets whose 0.0.0.0/0 goes to a VPC peering connection to a hub VPC that
    has the NAT gateway: peering is not transitive, nothing reaches ECR, S3 or Logs."""
    td = w.app()
    vpc = w.vpc()
    rtb = w.route_table(vpc)
    subnets = [w.subnet(vpc, f"10.0.{i + 1}.0/24", az, rtb) for i, az in enumerate("ab")]
    hub, _, pcx = hub_peering(w, vpc, rtb, ["0.0.0.0/0"])
    net = {
        "vpc": vpc,
        "hub_vpc": hub,
        "pcx": pcx,
        "route_table": rtb,
        "subnets": subnets,
        "task_sg": w.sg(vpc, "task"),
    }
    return with_service(w, net, td)


@scenario
def hub_endpoints_peering(w):
    """Centralised endpoints: the task VPC has no default route, only 10.99.0.0/16 -> a peering
    connection to a hub VPC; private hosted zones associated with the task VPC answer the ECR,
    S3 and Logs names with addresses in the hub (where the interface endpoints would be)."""
    td = w.app()
    vpc = w.vpc()
    rtb = w.route_table(vpc)
    subnets = [w.subnet(vpc, f"10.0.{i + 1}.0/24", az, rtb) for i, az in enumerate("ab")]
    hub, _, pcx = hub_peering(w, vpc, rtb, ["10.99.0.0/16"])
    zones = []
    region = w.region
    for i, (zone, name) in enumerate(
        [
            (f"api.ecr.{region}.amazonaws.com", f"api.ecr.{region}.amazonaws.com"),
            (f"dkr.ecr.{region}.amazonaws.com", f"*.dkr.ecr.{region}.amazonaws.com"),
            (f"s3.{region}.amazonaws.com", f"*.s3.{region}.amazonaws.com"),
            (f"logs.{region}.amazonaws.com", f"logs.{region}.amazonaws.com"),
        ]
    ):
        z = w.private_zone(vpc, zone)
        w.records(z, [(name, "A", f"10.99.1.{10 + i}")])
        zones.append(z)
    net = {
        "vpc": vpc,
        "hub_vpc": hub,
        "pcx": pcx,
        "route_table": rtb,
        "subnets": subnets,
        "zones": zones,
        "task_sg": w.sg(vpc, "task"),
    }
    return with_service(w, net, td)


@scenario
def ipv6_only_ipv4_uri(w):
    """IPv6-only task subnets, as AWS builds them (Ipv6Native, no IPv4 block), routing ::/0 to
    an egress-only internet gateway, with a task security group that allows IPv6 egress; the
    image uses the IPv4-only ECR URI. (moto does not keep EnableDns64, so no NAT64 path.)"""
    td = w.app()
    vpc = w.ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"][
        "VpcId"
    ]
    block = w.ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0][
        "Ipv6CidrBlock"
    ]
    prefix = block.split("::/")[0].rsplit(":", 1)[0]
    eigw = w.ec2.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"
    ]
    rtb = w.route_table(vpc, [{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": eigw}])
    subnets = []
    for i, az in enumerate("ab"):
        last = block.split("::/")[0].rsplit(":", 1)[1] or "0"
        cidr = f"{prefix}:{int(last, 16) + i + 1:x}::/64"
        subnet = w.ec2.create_subnet(
            VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=cidr, AvailabilityZone=w.az(az)
        )["Subnet"]["SubnetId"]
        w.ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
        subnets.append(subnet)
    # In a VPC with an IPv6 block, a new group's default egress allows ::/0 too (moto as AWS).
    task_sg = w.sg(vpc, "task")
    net = {
        "vpc": vpc,
        "eigw": eigw,
        "route_table": rtb,
        "subnets": subnets,
        "task_sg": task_sg,
        "image": ecr_uri(),
    }
    return with_service(w, net, td)


@scenario
def dns_support_disabled(w):
    td = w.app()
    return with_service(w, public_net(w, dns_support=False), td, public_ip=True)


@scenario
def private_dns_no_hostnames(w):
    td = w.app()
    return with_service(w, endpoint_net(w, dns_hostnames=False), td)


@scenario
def custom_dhcp(w):
    td = w.app()
    net = public_net(w)
    net["dhcp_options"] = w.dhcp_options(net["vpc"], ["10.0.0.53", "10.0.0.54"])
    return with_service(w, net, td, public_ip=True)


@scenario
def sg_no_egress(w):
    td = w.app()
    return with_service(w, public_net(w, task_egress=[]), td, public_ip=True)


@scenario
def sg_no_s3_prefix_list(w):
    """Endpoints setup, but the task SG allows 443 only to the endpoint SG (no S3 prefix list)."""
    td = w.app()
    return with_service(w, endpoint_net(w, task_egress_s3=False), td)


@scenario
def endpoint_sg_no_ingress(w):
    td = w.app()
    return with_service(w, endpoint_net(w, endpoint_ingress=False), td)


@scenario
def nacl_no_return(w):
    """Public subnets whose NACL allows egress 443 and ingress 443 only: the return traffic to
    the ephemeral ports is denied."""
    td = w.app()
    net = public_net(w)
    net["nacl"] = w.nacl(
        net["vpc"],
        net["subnets"],
        [
            (100, True, "6", "allow", "0.0.0.0/0", 443, 443),
            (100, False, "6", "allow", "0.0.0.0/0", 443, 443),
        ],
    )
    return with_service(w, net, td, public_ip=True)


@scenario
def vpce_ecr_dkr_missing(w):
    td = w.app()
    return with_service(w, endpoint_net(w, services=("ecr.api", "logs")), td)


@scenario
def vpce_ecr_api_missing(w):
    td = w.app()
    return with_service(w, endpoint_net(w, services=("ecr.dkr", "logs")), td, pv="1.4.0")


@scenario
def vpce_ecr_api_pv13(w):
    """Same endpoints as vpce-ecr-api-missing, but on PV 1.3.0, where ecr.api is not needed."""
    td = w.app()
    return with_service(w, endpoint_net(w, services=("ecr.dkr", "logs")), td, pv="1.3.0")


@scenario
def vpce_s3_missing(w):
    td = w.app()
    return with_service(w, endpoint_net(w, s3=False), td)


@scenario
def vpce_s3_not_associated(w):
    """The S3 gateway endpoint is on the VPC's main route table; the task subnets use their own
    explicitly associated table."""
    td = w.app()
    return with_service(w, endpoint_net(w, s3_on_main=True), td)


@scenario
def vpce_logs_missing(w):
    td = w.app()
    return with_service(w, endpoint_net(w, services=("ecr.api", "ecr.dkr")), td)


@scenario
def vpce_secretsmanager_missing(w):
    """Secrets Manager secret (plain ARN), PV 1.4.0, no secretsmanager endpoint."""
    secret = w.secret()
    td = w.app(secrets=[secret])
    net = with_service(w, endpoint_net(w), td)
    net["secret"] = secret
    return net


@scenario
def healthy_endpoints_secrets(w):
    """No internet path; a Secrets Manager secret and an SSM parameter, with every interface
    endpoint they need (ecr.api, ecr.dkr, logs, secretsmanager, ssm) + S3 gateway; the role may
    read both."""
    secret = w.secret()
    param = w.parameter()
    prefix = f"{w.region}:{ACCOUNT}"
    reads = [
        allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{prefix}:secret:db-*"),
        allow("ssm:GetParameters", f"arn:aws:ssm:{prefix}:parameter/app/*"),
    ]
    td = w.app(role_kw={"inline": {"reads": reads}}, secrets=[secret, param])
    services = ALL_INTERFACE + ("secretsmanager", "ssm")
    net = with_service(w, endpoint_net(w, services=services), td)
    net.update(secret=secret, parameter=param)
    return net


@scenario
def least_privilege_no_nacls(w):
    """healthy-nat, plus an IAM user for fargate-doctor whose policy allows every action but
    ec2:DescribeNetworkAcls (a least-privilege policy missing one permission); the test turns
    on moto's IAM enforcement and runs the tool with the user's key."""
    net = healthy_nat(w)
    w.iam.create_user(UserName="doctor")
    w.iam.put_user_policy(
        UserName="doctor",
        PolicyName="read-all-but-nacls",
        PolicyDocument=policy(
            {"Effect": "Allow", "NotAction": ["ec2:DescribeNetworkAcls"], "Resource": "*"}
        ),
    )
    key = w.iam.create_access_key(UserName="doctor")["AccessKey"]
    net.update(access_key_id=key["AccessKeyId"], secret_access_key=key["SecretAccessKey"])
    return net


@scenario
def vpce_ssm_missing(w):
    """SSM parameter secret, no awslogs, endpoints ecr.api + ecr.dkr + S3 only."""
    param = w.parameter()
    td = w.app(secrets=[param], logs=False)
    net = with_service(w, endpoint_net(w, services=("ecr.api", "ecr.dkr")), td)
    net["parameter"] = param
    return net


@scenario
def vpce_private_dns_disabled(w):
    td = w.app()
    return with_service(w, endpoint_net(w, private_dns={"ecr.dkr": False}), td)


@scenario
def vpce_other_az(w):
    """Task subnets in a and b; every interface endpoint only in the subnet of AZ a."""
    td = w.app()
    return with_service(w, endpoint_net(w, endpoint_azs=("a",)), td)


@scenario
def vpce_deleted(w):
    """The ecr.dkr endpoint was deleted: moto keeps listing it with State=deleted."""
    td = w.app()
    net = with_service(w, endpoint_net(w), td)
    w.ec2.delete_vpc_endpoints(VpcEndpointIds=[net["endpoints"]["ecr.dkr"]])
    return net


@scenario
def dockerhub_private(w):
    """A Docker Hub image in private subnets that have only VPC endpoints."""
    td = w.app(image="nginx:latest")
    return with_service(w, endpoint_net(w), td)


def stop_one(w, td, net, reason, public_ip=False):
    """Run one task of `td` in the first subnet of `net`, then stop it with `reason`."""
    task = w.ecs.run_task(
        cluster=CLUSTER,
        taskDefinition=td,
        launchType="FARGATE",
        platformVersion="1.4.0",
        count=1,
        networkConfiguration=w.awsvpc(net["subnets"][:1], [net["task_sg"]], public_ip),
    )["tasks"][0]["taskArn"]
    w.ecs.stop_task(cluster=CLUSTER, task=task, reason=reason)
    net.update(
        cluster=CLUSTER,
        task_definition=td,
        task_arn=task,
        task_id=task.rsplit("/", 1)[-1],
        stopped_reason=reason,
    )
    return net


@scenario
def stopped_task(w):
    """A task in the no-default-route network, run and then stopped with an ECR-auth timeout."""
    td = w.app()
    vpc = w.vpc()
    rtb = w.route_table(vpc)
    subnet = w.subnet(vpc, "10.0.1.0/24", "a", rtb)
    net = {"vpc": vpc, "route_table": rtb, "subnets": [subnet], "task_sg": w.sg(vpc, "task")}
    return stop_one(w, td, net, STOPPED_REASON)


# ---------------------------------------------------------------------------------------------
# Part 2 scenarios: execution role, image and registry, secrets, logs, endpoint policies.
# Unless a docstring says otherwise they run in public subnets with a public IP (a healthy
# network), so that the only errors are the ones the scenario builds.
# ---------------------------------------------------------------------------------------------


def public_service(w, td, pv="1.4.0"):
    return with_service(w, public_net(w), td, public_ip=True, pv=pv)


def with_role(net, role=role_arn()):
    net["role"] = role
    return net


@scenario
def no_exec_role(w):
    """A FARGATE task definition with an ECR image and awslogs but no executionRoleArn."""
    return public_service(w, w.app(role_kw=False, role=False))


@scenario
def hub_no_exec_role(w):
    """A Docker Hub image without logs or secrets and no execution role: none is needed."""
    td = w.app(role_kw=False, role=False, image="nginx:latest", logs=False)
    return public_service(w, td)


@scenario
def exec_role_missing(w):
    """The task definition names a role that does not exist."""
    ghost = role_arn("ghostRole")
    return with_role(public_service(w, w.app(role_kw=False, role=ghost)), ghost)


@scenario
def exec_role_ec2_trust(w):
    """The execution role is trusted by ec2.amazonaws.com only."""
    return with_role(public_service(w, w.app(role_kw={"trusted": "ec2.amazonaws.com"})))


@scenario
def exec_role_logs_only(w):
    """The execution role has only an inline policy allowing logs:* (no ECR permission)."""
    td = w.app(role_kw={"managed": False, "inline": {"logs": [allow("logs:*")]}})
    return with_role(public_service(w, td))


@scenario
def exec_role_ecr_deny(w):
    """The managed policy, plus an inline explicit Deny of ecr:BatchGetImage."""
    td = w.app(role_kw={"inline": {"no-pull": [deny("ecr:BatchGetImage")]}})
    return with_role(public_service(w, td))


@scenario
def exec_role_ecr_only(w):
    """The execution role has only an inline policy with the ECR pull actions (awslogs used)."""
    td = w.app(role_kw={"managed": False, "inline": {"ecr": [allow(ECR_PULL)]}})
    return with_role(public_service(w, td))


@scenario
def exec_role_boundary(w):
    """The managed policy grants ECR and Logs, but the permissions boundary allows only logs:*."""
    boundary = w.managed_policy("logs-only-boundary", [allow("logs:*")])
    net = with_role(public_service(w, w.app(role_kw={"boundary": boundary})))
    net["boundary"] = boundary
    return net


@scenario
def secret_not_readable(w):
    """A Secrets Manager secret; the role has the managed policy only (no GetSecretValue)."""
    secret = w.secret()
    net = public_service(w, w.app(role_kw={"inline": {}}, secrets=[secret]))
    net["secret"] = secret
    return with_role(net)


@scenario
def secrets_readable(w):
    """A secret with a JSON key, SSM SecureStrings by name and by ARN; the role's inline policy
    allows GetSecretValue on db-* and GetParameters on /app/* only."""
    secret = w.secret()
    by_name = "/app/db-user"
    w.parameter(by_name)
    by_arn = w.parameter()
    prefix = f"{w.region}:{ACCOUNT}"
    reads = [
        allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{prefix}:secret:db-*"),
        allow("ssm:GetParameters", f"arn:aws:ssm:{prefix}:parameter/app/*"),
    ]
    secrets = [f"{secret}:password::", by_name, by_arn]
    net = public_service(w, w.app(role_kw={"inline": {"reads": reads}}, secrets=secrets))
    net.update(secret=secret, parameter_name=by_name, parameter_arn=by_arn)
    return with_role(net)


@scenario
def secrets_cmk(w):
    """A secret encrypted with a customer managed key; the role may GetSecretValue on it and
    kms:Decrypt with the key (the key policy is the default one: IAM decides)."""
    key = w.customer_key()
    secret = w.secret(kms_key=key)
    reads = [
        allow("secretsmanager:GetSecretValue", secret),
        allow("kms:Decrypt", key),
    ]
    net = public_service(w, w.app(role_kw={"inline": {"reads": reads}}, secrets=[secret]))
    net.update(secret=secret, kms_key=key)
    return with_role(net)


@scenario
def secret_policy_without_suffix(w):
    """The role may GetSecretValue on ...:secret:db exactly; the real ARN ends in db-XXXXXX."""
    secret = w.secret()
    exact = allow("secretsmanager:GetSecretValue", secret.rsplit("-", 1)[0])
    net = public_service(w, w.app(role_kw={"inline": {"exact": [exact]}}, secrets=[secret]))
    net["secret"] = secret
    return with_role(net)


@scenario
def secret_missing(w):
    """secrets[].valueFrom is a JSON-key ARN of a secret that does not exist."""
    return public_service(w, w.app(secrets=[f"{MISSING_SECRET}:password::"]))


@scenario
def parameter_missing(w):
    """Two secrets name SSM parameters that do not exist: /app/missing by name, /app/gone by
    ARN."""
    gone = f"arn:aws:ssm:{w.region}:{ACCOUNT}:parameter/app/gone"
    net = public_service(w, w.app(secrets=["/app/missing", gone]))
    net["missing_by_arn"] = gone
    return net


@scenario
def secret_other_region_nat(w):
    """NAT network; the secret (JSON key) lives in eu-west-1."""
    secret = World("eu-west-1").secret()
    net = with_service(w, nat_net(w), w.app(secrets=[f"{secret}:password::"]))
    net["secret"] = secret
    return net


def private_registry(w, creds, role_kw=None):
    """A Docker Hub image with repositoryCredentials `creds`, in public subnets."""
    td = w.app(role_kw=role_kw, image="docker.io/acme/private:1", repo_creds=creds)
    net = with_role(public_service(w, td))
    net["creds"] = creds
    return net


@scenario
def privreg_ok(w):
    return private_registry(w, w.secret("hub-creds"))


@scenario
def privreg_not_readable(w):
    """The credentials secret exists; the role has the managed policy only."""
    return private_registry(w, w.secret("hub-creds"), role_kw={"inline": {}})


@scenario
def privreg_secret_missing(w):
    return private_registry(w, MISSING_SECRET)


@scenario
def ecr_repo_missing(w):
    return public_service(w, w.app(image=ecr_uri("missing")))


@scenario
def ecr_tag_missing(w):
    """Tag 2 of app was never pushed."""
    net = public_service(w, w.app(image=ecr_uri("app", "2")))
    net["image"] = ecr_uri("app", "2")
    return net


@scenario
def ecr_repo_policy_deny(w):
    """The repository policy of app explicitly denies ecr:BatchGetImage to the execution role."""
    td = w.app()
    text = policy(deny("ecr:BatchGetImage", None, {"AWS": role_arn()}))
    w.ecr.set_repository_policy(repositoryName="app", policyText=text)
    return with_role(public_service(w, td))


@scenario
def arm64_amd64_only_image(w):
    """An ARM64 task (PV LATEST) whose image offers only linux/amd64."""
    td = w.app(platforms=(("linux", "amd64"),), arch="ARM64")
    return public_service(w, td, pv="LATEST")


@scenario
def arm64_multiarch(w):
    """An ARM64 task (PV LATEST) with the usual amd64 + arm64 image."""
    return public_service(w, w.app(arch="ARM64"), pv="LATEST")


def windows_task(w, platforms):
    """A WINDOWS_SERVER_2019_CORE task (1 vCPU, 2 GiB) whose app:1 image offers `platforms`."""
    windows = "WINDOWS_SERVER_2019_CORE"
    td = w.app(platforms=platforms, cpu="1024", memory="2048", os_family=windows)
    return public_service(w, td, pv="LATEST")


@scenario
def windows_linux_image(w):
    """A WINDOWS_SERVER_2019_CORE task with a linux-only (amd64 + arm64) image."""
    return windows_task(w, MULTI_ARCH)


@scenario
def windows_image(w):
    """A WINDOWS_SERVER_2019_CORE task with a windows/amd64 image."""
    return windows_task(w, (("windows", "amd64"),))


@scenario
def log_group_missing(w):
    return public_service(w, w.app(log_group=None))


@scenario
def log_group_auto_create(w):
    """No log group, awslogs-create-group "true", and the role may logs:CreateLogGroup."""
    td = w.app(
        log_group=None,
        log_options={"awslogs-create-group": "true"},
        role_kw={"inline": {"create-group": [allow("logs:CreateLogGroup")]}},
    )
    return with_role(public_service(w, td))


@scenario
def log_group_auto_create_denied(w):
    """As log-group-auto-create, but the role lacks logs:CreateLogGroup."""
    td = w.app(log_group=None, log_options={"awslogs-create-group": "true"})
    return with_role(public_service(w, td))


def endpoint_policy_for(w, role, services=("ecr.api",)):
    """Endpoints only; the policy of the `services` endpoints allows everything, but only to
    `role`."""
    td = w.app()
    only = policy(allow("*", "*", {"AWS": role}))
    net = endpoint_net(w, policies={svc: only for svc in services})
    return with_role(with_service(w, net, td, pv="LATEST"))


@scenario
def vpce_policy_other_role(w):
    return endpoint_policy_for(w, role_arn("someOtherRole"))


@scenario
def vpce_policy_dkr_logs_other_role(w):
    """As vpce-policy-other-role, for the ecr.dkr and logs endpoints."""
    return endpoint_policy_for(w, role_arn("someOtherRole"), ("ecr.dkr", "logs"))


@scenario
def vpce_policy_exec_role(w):
    return endpoint_policy_for(w, role_arn())


def nat_s3_endpoint(w, buckets, td=None):
    """A NAT network plus an S3 gateway endpoint on the task route table whose policy allows
    s3:GetObject only on `buckets`; `td` defaults to the usual app task definition."""
    td = td or w.app()
    net = nat_net(w)
    objects = [f"arn:aws:s3:::{b}/*" for b in buckets]
    only = policy(allow("s3:GetObject", objects, "*"))
    net["s3_endpoint"] = w.s3_gateway(net["vpc"], [net["route_table"]], policy=only)
    return with_service(w, net, td)


@scenario
def nat_s3_policy_company_bucket(w):
    return nat_s3_endpoint(w, ["my-company-bucket"])


@scenario
def nat_s3_policy_layer_bucket(w):
    return nat_s3_endpoint(w, ["my-company-bucket", f"prod-{w.region}-starport-layer-bucket"])


def logs_in_eu_west_1(w):
    World("eu-west-1").log_group()
    return w.app(log_options={"awslogs-region": "eu-west-1"})


@scenario
def vpce_cross_region_logs(w):
    """Endpoints only (us-east-1); awslogs-region eu-west-1 (the group exists there)."""
    td = logs_in_eu_west_1(w)
    return with_service(w, endpoint_net(w), td, pv="LATEST")


@scenario
def nat_cross_region_logs(w):
    """A NAT network; awslogs-region eu-west-1 (the group exists there)."""
    return with_service(w, nat_net(w), logs_in_eu_west_1(w))


@scenario
def log_group_other_region(w):
    """A NAT network; awslogs-region eu-west-1, but /ecs/app exists only in us-east-1."""
    td = w.app(log_options={"awslogs-region": "eu-west-1"})
    return with_service(w, nat_net(w), td)


@scenario
def stopped_repo_missing(w):
    """NAT network; the image names repository `missing`; stopped with its pull error."""
    td = w.app(image=ecr_uri("missing"))
    return stop_one(w, td, nat_net(w), REPO_MISSING_REASON)


@scenario
def stopped_auth_timeout_healthy(w):
    """NAT network, everything healthy; stopped with an ECR-auth i/o timeout anyway."""
    return stop_one(w, w.app(), nat_net(w), STOPPED_REASON)


# ---------------------------------------------------------------------------------------------
# "Beyond the seeds" scenarios: EFS volumes, S3 environment files, the service-linked role,
# private hosted zones, log configuration, image size, features no check evaluates.
# ---------------------------------------------------------------------------------------------


def nfs(sg=None):
    """TCP 2049 (NFS) from the security group `sg`."""
    return {
        "IpProtocol": "tcp",
        "FromPort": 2049,
        "ToPort": 2049,
        "UserIdGroupPairs": [{"GroupId": sg}],
    }


def efs_service(
    w,
    file_system=True,
    mount_azs=("a", "b"),
    access_point=True,
    iam=True,
    task_role=True,
    task_role_efs=True,
    fs_policy="task-role",
    mt_nfs=True,
):
    """NAT network (private subnets in a and b), service web with one EFS volume `data` mounted
    at /data and one env file (the object exists, the execution role may read it).

    `file_system=False`: the volume names MISSING_FS (nothing is created, no authorizationConfig).
    `mount_azs`: the AZs that get a mount target (in the service subnet of that AZ); the
    mount-target SG allows TCP 2049 from the task SG, or (`mt_nfs=False`) only 443.
    `access_point`: True (created), False (the volume names MISSING_ACCESS_POINT), None (none).
    `iam`: authorizationConfig.iam ENABLED. `task_role`: the task definition names appTaskRole
    (the role is created either way); `task_role_efs`: its inline policy allows ClientMount and
    ClientWrite on the file system. `fs_policy`: "task-role" (allow those to appTaskRole when
    aws:SecureTransport), "other-role" (allow them only to otherTaskRole), None (no policy)."""
    net = nat_net(w)
    vpc, subnets, task_sg = net["vpc"], net["subnets"], net["task_sg"]
    env_file = w.env_file()
    config = {"transitEncryption": "ENABLED"}
    if file_system:
        fs, fs_arn = w.file_system()
        mt_sg = w.sg(
            vpc,
            "efs-mount-targets",
            ingress=[nfs(task_sg) if mt_nfs else w.tcp443(sg=task_sg)],
        )
        net["mount_target_sg"] = mt_sg
        net["mount_targets"] = {
            subnet: w.mount_target(fs, subnet, [mt_sg])
            for subnet, az in zip(subnets, ("a", "b"))
            if az in mount_azs
        }
        auth = {"iam": "ENABLED" if iam else "DISABLED"}
        if access_point is not None:
            auth["accessPointId"] = w.access_point(fs) if access_point else MISSING_ACCESS_POINT
            net["access_point"] = auth["accessPointId"]
        config["authorizationConfig"] = auth
    else:
        fs = MISSING_FS
        fs_arn = f"arn:aws:elasticfilesystem:{w.region}:{ACCOUNT}:file-system/{fs}"
    config["fileSystemId"] = fs
    role = w.task_role(statements=[allow(EFS_CLIENT, fs_arn)] if task_role_efs else ())
    if file_system and fs_policy:
        grantee = role
        if fs_policy == "other-role":
            grantee = w.task_role("otherTaskRole", [allow(EFS_CLIENT, fs_arn)])
            net["other_role"] = grantee
        secure = {"Bool": {"aws:SecureTransport": "true"}}
        statement = allow(EFS_CLIENT, fs_arn, {"AWS": grantee})
        statement["Condition"] = secure
        w.file_system_policy(fs, [statement])
    inline = {"secrets": [allow(SECRET_READS)], "env-files": w.env_file_reads()}
    td = w.app(
        role_kw={"inline": inline},
        volumes=[{"name": "data", "efsVolumeConfiguration": config}],
        mount_points=[{"sourceVolume": "data", "containerPath": "/data", "readOnly": False}],
        environment_files=[env_file],
        task_role_arn=role if task_role else None,
    )
    # The role exists either way; the key says whether the task definition names it.
    net["task_role" if task_role else "unreferenced_task_role"] = role
    net.update(file_system=fs, file_system_arn=fs_arn, env_file=env_file, env_bucket=ENV_BUCKET)
    return with_role(with_service(w, net, td))


@scenario
def efs_healthy(w):
    """NAT network; EFS with a mount target in each service AZ (SG allows 2049 from the task SG),
    an access point, IAM authorization with the task role (allowed by its own policy and by the
    file system policy, over TLS), plus an S3 env file the execution role may read."""
    return efs_service(w)


@scenario
def efs_fs_missing(w):
    """The volume names fs-0123456789abcdef0, which does not exist."""
    return efs_service(w, file_system=False)


@scenario
def efs_ap_missing(w):
    """The file system is fine; the volume names access point fsap-0123456789abcdef0 (absent)."""
    return efs_service(w, access_point=False)


@scenario
def efs_mount_target_one_az(w):
    """A mount target only in AZ a (the first service subnet); the second subnet is in b."""
    return efs_service(w, mount_azs=("a",))


@scenario
def efs_mt_sg_no_nfs(w):
    """The mount targets' security group accepts only 443 from the task SG, not 2049."""
    return efs_service(w, mt_nfs=False)


@scenario
def efs_iam_no_task_role(w):
    """authorizationConfig.iam ENABLED, but the task definition has no taskRoleArn."""
    return efs_service(w, task_role=False)


@scenario
def efs_iam_policy_other_role(w):
    """The file system policy allows ClientMount/ClientWrite only to otherTaskRole; the task
    role has no policy of its own."""
    return efs_service(w, task_role_efs=False, fs_policy="other-role")


def env_file_service(w, put=True, reads=True):
    """Public subnets; one env file in ENV_BUCKET (`put`: the object exists); the execution role
    has the managed policy plus (`reads`) s3:GetObject / s3:GetBucketLocation on it."""
    env_file = w.env_file(put=put)
    inline = {"env-files": w.env_file_reads()} if reads else {}
    net = public_service(w, w.app(role_kw={"inline": inline}, environment_files=[env_file]))
    net.update(env_file=env_file, env_bucket=ENV_BUCKET)
    return with_role(net)


@scenario
def envfile_missing(w):
    """The bucket exists, the object web/app.env does not."""
    return env_file_service(w, put=False)


@scenario
def envfile_exec_no_s3(w):
    """The object exists; the execution role has AmazonECSTaskExecutionRolePolicy only."""
    return env_file_service(w, reads=False)


@scenario
def envfile_vpce_s3_policy(w):
    """NAT network plus an S3 gateway endpoint on the task route table whose policy allows
    s3:GetObject only on the ECR layer bucket: layers pass, the env-file bucket does not."""
    env_file = w.env_file()
    td = w.app(
        role_kw={"inline": {"env-files": w.env_file_reads()}}, environment_files=[env_file]
    )
    net = nat_s3_endpoint(w, [LAYER_BUCKET.format(region=w.region)], td)
    net.update(env_file=env_file, env_bucket=ENV_BUCKET)
    return with_role(net)


@scenario
@without_slr
def slr_missing(w):
    """healthy-nat, in an account without the ECS service-linked role."""
    return healthy_nat(w)


def needed_records(region):
    """Records for every name a private-ECR + awslogs task on PV 1.4.0 resolves: A records to
    made-up endpoint addresses in the task subnets, and *.s3 for the layer bucket's
    virtual-hosted name. (A CNAME to a name the snapshot cannot resolve would make the path
    unknown.)"""
    return [
        (f"api.ecr.{region}.amazonaws.com", "A", "10.0.1.10"),
        (f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com", "A", "10.0.1.11"),
        (f"logs.{region}.amazonaws.com", "A", "10.0.1.14"),
        (f"s3.{region}.amazonaws.com", "A", "10.0.1.12"),
        (f"*.s3.{region}.amazonaws.com", "A", "10.0.1.13"),
    ]


def phz_service(w, records):
    """healthy-nat plus a private hosted zone `<region>.amazonaws.com` on the VPC."""
    net = healthy_nat(w)
    zone = w.private_zone(net["vpc"], f"{w.region}.amazonaws.com")
    if records:
        w.records(zone, records)
    net["hosted_zone"] = zone
    return net


@scenario
def phz_shadow(w):
    """A private hosted zone us-east-1.amazonaws.com on the VPC, without a record for the ECR,
    Logs or S3 names: it shadows them."""
    return phz_service(w, [])


@scenario
def phz_with_records(w):
    """The same zone, with a record for every name the task needs (see needed_records)."""
    records = needed_records(w.region)
    net = phz_service(w, records)
    net["records"] = [n for n, _, _ in records]
    return net


@scenario
def resolver_forward_aws(w):
    """healthy-nat plus a Resolver FORWARD rule for amazonaws.com on the VPC (to 10.99.0.2)."""
    net = healthy_nat(w)
    net["resolver_rule"] = w.resolver_rule(
        net["vpc"], net["subnets"], "FORWARD", "amazonaws.com", "corp-dns"
    )
    return net


@scenario
def resolver_forward_all_system_aws(w):
    """healthy-nat plus a FORWARD rule for every name (".") and a SYSTEM rule that gives the
    Region's AWS names back to the VPC resolver: the task's names are not forwarded."""
    net = healthy_nat(w)
    net["resolver_rule"] = w.resolver_rule(net["vpc"], net["subnets"], "FORWARD", ".", "all")
    net["system_rule"] = w.resolver_rule(
        net["vpc"], net["subnets"], "SYSTEM", f"{w.region}.amazonaws.com", "aws-names"
    )
    return net


@scenario
def awslogs_no_region(w):
    """awslogs log configuration without awslogs-region (public subnets)."""
    return public_service(w, w.app(log_options={"awslogs-region": None}))


@scenario
def image_too_large(w):
    """app:1 is a single-platform image of 31 GiB (compressed); default 20 GiB storage."""
    net = public_service(w, w.app(image_size=31 * GIB))
    net.update(image=ecr_uri(), image_size=31 * GIB)
    return net


@scenario
def image_large_enough_storage(w):
    """The same 31 GiB image, with ephemeralStorage.sizeInGiB 200 (the largest Fargate offers): room for the compressed and the extracted copy."""
    net = public_service(w, w.app(image_size=31 * GIB, ephemeral_gib=200))
    net.update(image=ecr_uri(), image_size=31 * GIB)
    return net


@scenario
def td_fsx_volume(w):
    """A WINDOWS_SERVER_2019_CORE task (windows/amd64 image) with an FSx for Windows File Server
    volume mounted at C:\\data (its credentials secret exists and is readable)."""
    creds = w.secret("fsx-domain-join")
    fsx = {
        "name": "fsx",
        "fsxWindowsFileServerVolumeConfiguration": {
            "fileSystemId": "fs-0fedcba9876543210",
            "rootDirectory": "share",
            "authorizationConfig": {"credentialsParameter": creds, "domain": "corp.example.com"},
        },
    }
    td = w.app(
        platforms=(("windows", "amd64"),),
        cpu="1024",
        memory="2048",
        os_family="WINDOWS_SERVER_2019_CORE",
        volumes=[fsx],
        mount_points=[{"sourceVolume": "fsx", "containerPath": "C:\\data"}],
    )
    net = public_service(w, td, pv="LATEST")
    net.update(fsx_file_system="fs-0fedcba9876543210", fsx_credentials=creds)
    return net


@scenario
def td_proxy_configuration(w):
    """An App Mesh proxyConfiguration (public subnets): something no check evaluates."""
    proxy = {
        "type": "APPMESH",
        "containerName": "app",
        "properties": [
            {"name": "AppPorts", "value": "8080"},
            {"name": "ProxyIngressPort", "value": "15000"},
            {"name": "ProxyEgressPort", "value": "15001"},
            {"name": "IgnoredUID", "value": "1337"},
            {"name": "EgressIgnoredIPs", "value": "169.254.170.2,169.254.169.254"},
        ],
    }
    return public_service(w, w.app(proxy=proxy))


REGIONS = {"az-unsupported": "ca-central-1"}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "--list":
        for name, fn in SCENARIOS.items():
            print(f"{name}: {(fn.__doc__ or '').strip().splitlines()[0] if fn.__doc__ else ''}")
        return 0
    name = argv[1]
    if name not in SCENARIOS:
        log(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
        return 2
    region = REGIONS.get(name, "us-east-1")
    w = World(region)
    # Every real account that ever ran ECS has the service-linked role; moto has none.
    slr = f"arn:aws:iam::{ACCOUNT}:role{SLR_PATH}{SLR_NAME}"
    if name not in NO_SLR:
        slr = w.service_linked_role()
    out = SCENARIOS[name](w)
    out["service_linked_role"] = slr
    out["service_linked_role_exists"] = name not in NO_SLR
    out["region"] = region
    out["scenario"] = name
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
