"""Every write of the expenses app: submit, review, pay, batch, reconcile (DESIGN rule 1).

Locking (DESIGN rule 6). Every decision that spends a collective's money takes the row lock
of the collective first, then the expenses it touches, in primary-key order. Approved and
scheduled expenses *reserve* their amount: an approval is refused when the collective's
ledger balance minus what is already reserved is below the expense's amount. Because every
approval of a collective's expenses holds the same collective row lock, two approvals cannot
both see the same free balance. Payment moves the money in the ledger (collective balance ->
host bank clearing) with an idempotency key derived from the expense, so even a retried or
doubled request posts once.
"""

from samen.expenses.actions.payouts import (
    end_to_end_id,
    expense_pay,
    expense_reconcile_line,
    expense_unschedule,
    normalise_iban,
    payment_idempotency_key,
    payments_batch_create,
    payout_batch_create,
    payout_method_create,
)
from samen.expenses.actions.policies import (
    accounting_category_save,
    expense_invite_create,
    expense_policy_set,
    host_expense_settings_set,
    host_settings_for,
    policy_for,
)
from samen.expenses.actions.review import (
    available_balance,
    check_decision,
    expense_approve,
    expense_cancel,
    expense_comment,
    expense_decision_link,
    expense_mark_spam,
    expense_reject,
    expense_request_changes,
    expense_set_hold,
    expense_unapprove,
    expense_unrestrict_submitter,
    expenses_approve_many,
)
from samen.expenses.actions.submission import (
    ItemInput,
    expense_attach,
    expense_create,
    expense_submit,
    expense_update,
    may_submit,
)
from samen.expenses.actions.uploads import (
    pending_upload_files,
    pending_uploads_discard,
    pending_uploads_keep,
)

__all__ = [
    "ItemInput",
    "accounting_category_save",
    "available_balance",
    "check_decision",
    "end_to_end_id",
    "expense_approve",
    "expense_attach",
    "expense_cancel",
    "expense_comment",
    "expense_create",
    "expense_decision_link",
    "expense_invite_create",
    "expense_mark_spam",
    "expense_pay",
    "expense_policy_set",
    "expense_reconcile_line",
    "expense_reject",
    "expense_request_changes",
    "expense_set_hold",
    "expense_submit",
    "expense_unapprove",
    "expense_unrestrict_submitter",
    "expense_unschedule",
    "expense_update",
    "expenses_approve_many",
    "host_expense_settings_set",
    "host_settings_for",
    "may_submit",
    "normalise_iban",
    "payment_idempotency_key",
    "payments_batch_create",
    "payout_batch_create",
    "payout_method_create",
    "pending_upload_files",
    "pending_uploads_discard",
    "pending_uploads_keep",
    "policy_for",
]
