"""SEPA direct debit (prélèvement automatique) of Mes factures.

- `models`: the mandate a household signs (or staff record on paper), the month's collection
  (the pain.008 file given to the bank) and its debits, one per invoice;
- `banking`: IBAN/BIC validation (schwifty), masking, the mandate reference (RUM), the
  creditor identifier (ICS) check and the dates (debit day, prenotification);
- `services`: subscribing, recording a paper mandate, revoking, producing a collection,
  marking it debited, recording or importing rejects (R-transactions);
- `pain`: the pain.008 file (sepaxml, validated against its XSD) and the pain.002 reader;
- `selectors`, `forms`, `views`, `admin`, `pdf`: reads, the parent's page, staff pages.

Settings (README): SEPA_CREDITOR_ID (ICS), SEPA_CREDITOR_NAME, SEPA_CREDITOR_IBAN,
SEPA_CREDITOR_BIC, SEPA_DEBIT_DAY, SEPA_PRENOTIFICATION_DAYS, SEPA_MAX_REJECTS.
"""
