"""The shipped rule packs (rules/*.yaml), installed as the package budgetaudit.packs."""
