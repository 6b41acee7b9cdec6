"""Part 2 models (funding, expenditure, benefits, P4P and supporting metrics): see the Part 2 issue."""
