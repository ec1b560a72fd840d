namespace Metrocircle.Core.Ledger;

/// <summary>
/// Timeline actions the ledger writes on a case: its holds could not be covered, or are covered again. One place for
/// the words, since the case side writes them and the mismatch analysis reads them.
/// </summary>
public static class LedgerCaseActions
{
    public const string Uncovered = "ledger-uncovered";

    public const string Covered = "ledger-covered";
}
