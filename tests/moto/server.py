"""moto's server, as the integration tests start it: `python tests/moto/server.py -H HOST -p PORT`.

moto 5.2.5 does not emulate Route 53 Resolver DNS Firewall: ListFirewallRuleGroupAssociations
raises NotImplementedError (HTTP 500). fargate-doctor reads it for every VPC, and a failed read
rightly makes NET-DNS-RESOLVER-OVERRIDES `unknown`, so every scenario would end in exit 3. This
answers that one operation as AWS answers for a VPC with no DNS Firewall rule group associated
(an empty list) and changes nothing else. Blocking rules cannot be seeded here: the engine's
fixture tests (crates/engine/src/checks/net_dns_resolver_overrides.rs) cover them.
"""

import json
import sys

from moto.core.exceptions import JsonRESTError
from moto.ec2.models import ec2_backends
from moto.route53resolver.responses import Route53ResolverResponse
from moto.server import main


def list_firewall_rule_group_associations(self):
    # The request must still be right: the VPC the collector asks about must exist.
    vpc = self._get_param("VpcId")
    known = {v.id for v in ec2_backends[self.current_account][self.region].vpcs.values()}
    if vpc not in known:
        raise JsonRESTError("ValidationException", f"no such VPC: {vpc!r}")
    return json.dumps({"FirewallRuleGroupAssociations": []})


if __name__ == "__main__":
    if hasattr(Route53ResolverResponse, "list_firewall_rule_group_associations"):
        sys.exit("moto now emulates DNS Firewall: drop tests/moto/server.py's stand-in")
    Route53ResolverResponse.list_firewall_rule_group_associations = (
        list_firewall_rule_group_associations
    )
    main(sys.argv[1:])
