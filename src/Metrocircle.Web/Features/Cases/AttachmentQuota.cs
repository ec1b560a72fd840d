using System.Globalization;
using Metrocircle.Core.Cases;
using Metrocircle.Web.Infrastructure;

namespace Metrocircle.Web.Features.Cases;

/// <summary>
/// What one account may attach to one case (<see cref="SecuritySettings.AttachmentsPerCase"/>,
/// <see cref="SecuritySettings.AttachmentBytesPerCase"/>). Judged on the case as read inside the versioned write, so
/// parallel uploads cannot pass it together.
/// </summary>
internal static class AttachmentQuota
{
    public static CaseRefusal? Refusal(CaseFile file, string account, long bytes, SecuritySettings limits)
    {
        var mine = (file.Attachments ?? []).Where(a => string.Equals(a.By, account, StringComparison.Ordinal)).ToList();
        if (mine.Count >= limits.AttachmentsPerCase)
        {
            return new CaseRefusal(CaseRefusalKind.Forbidden,
                $"{account} has attached {mine.Count} files to case {file.Id}, the most one account may ({SecuritySettings.AttachmentsPerCaseVariable}); ask the coordination office if more are needed");
        }

        var total = mine.Sum(a => a.Bytes);
        return total + bytes > limits.AttachmentBytesPerCase
            ? new CaseRefusal(CaseRefusalKind.Forbidden,
                $"{account} has attached {MiB(total)} MiB to case {file.Id}; this file ({MiB(bytes)} MiB) would pass the {MiB(limits.AttachmentBytesPerCase)} MiB one account may attach ({SecuritySettings.AttachmentMiBPerCaseVariable})")
            : null;
    }

    private static string MiB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.##", CultureInfo.InvariantCulture);
}
