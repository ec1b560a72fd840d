using System.Reflection;

namespace Metrocircle.Core.Access;

/// <summary>
/// Passwords that are long enough but too common to keep anyone out: the first 5,000 entries of 12 or more characters
/// of a public list of leaked passwords (see the header of <c>common-passwords.txt</c> for its source and licence),
/// compared case-insensitively.
/// </summary>
public static class CommonPasswords
{
    private static readonly Lazy<HashSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string password) => List.Value.Contains(password);

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Metrocircle.Core.Access.common-passwords.txt")
            ?? throw new InvalidOperationException("the list of common passwords is not embedded in Metrocircle.Core");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line);
            }
        }

        return set;
    }
}
