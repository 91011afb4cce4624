using System.Net;
using Border.Nat.Dns;

namespace Border.Tests.Nat.Dns;

public sealed class DnsMessageTests
{
    [Fact]
    public void Query_Name_WritesHeaderLabelsTypeAaaaClassIn()
    {
        var query = DnsMessage.Query(0x1234, "v4only.example.");

        byte[] expected =
        [
            0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
            6, (byte)'v', (byte)'4', (byte)'o', (byte)'n', (byte)'l', (byte)'y',
            7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0,
            0, 28, 0, 1,
        ];
        Assert.Equal(expected, query);
    }

    [Fact]
    public void ParseAnswer_CompressedAaaaAfterCname_ReturnsTheAddress()
    {
        var reply = Reply(0x1234, rcode: 0, answers:
        [
            // v4only.example CNAME (pointer to the question name), then the AAAA owned by the same pointer.
            [0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 12],
            [0xC0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, .. IPAddress.Parse("2001:db8:d78:564::cb00:7102").GetAddressBytes()],
        ]);

        var answer = DnsMessage.ParseAnswer(0x1234, reply);

        Assert.Equal(0, answer.ResponseCode);
        Assert.Equal([IPAddress.Parse("2001:db8:d78:564::cb00:7102")], answer.Addresses);
    }

    [Fact]
    public void ParseAnswer_Refused_ReturnsCodeName()
    {
        var answer = DnsMessage.ParseAnswer(7, Reply(7, rcode: 5, answers: []));

        Assert.Equal("REFUSED", answer.ResponseCodeName);
        Assert.Empty(answer.Addresses);
    }

    [Theory]
    [InlineData(new byte[] { 0, 7, 0x81 }, "shorter than a DNS header")]
    [InlineData(new byte[] { 0, 8, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0 }, "id does not match")]
    [InlineData(new byte[] { 0, 7, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 }, "not a response")]
    [InlineData(new byte[] { 0, 7, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0xC0, 12, 0, 28 }, "truncated")]
    public void ParseAnswer_Malformed_Throws(byte[] reply, string reason)
    {
        var failure = Assert.Throws<InvalidDataException>(() => DnsMessage.ParseAnswer(7, reply));

        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
    }

    private static byte[] Reply(ushort id, int rcode, byte[][] answers)
    {
        var question = DnsMessage.Query(id, "v4only.example")[12..];
        byte[] header = [(byte)(id >> 8), (byte)id, 0x81, (byte)(0x80 | rcode), 0, 1, 0, (byte)answers.Length, 0, 0, 0, 0];
        return [.. header, .. question, .. answers.SelectMany(answer => answer)];
    }
}
