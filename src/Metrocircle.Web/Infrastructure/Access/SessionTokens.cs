using System.Security.Cryptography;
using System.Text;

namespace Metrocircle.Web.Infrastructure.Access;

/// <summary>Opaque session tokens: 256 random bits; the store keeps only their SHA-256.</summary>
internal static class SessionTokens
{
    public const string CookieName = "metrocircle_session";
    public const string Prefix = "mc_";

    public static string NewToken() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
