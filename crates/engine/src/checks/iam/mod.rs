//! The execution role: its existence, trust policy and every permission the Fargate agent uses.

pub(super) mod iam_exec_ecr;
pub(super) mod iam_exec_envfiles;
pub(super) mod iam_exec_logs;
pub(super) mod iam_exec_missing;
pub(super) mod iam_exec_privreg;
pub(super) mod iam_exec_secrets;
pub(super) mod iam_exec_trust;
pub(super) mod iam_guardrails;
