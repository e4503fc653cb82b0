using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Tests.Utilities;

public sealed class BoundedMemoTests
{
    [Fact]
    public void Get_ComputesAKeyOnce_ThenRemembersIt()
    {
        var calls = 0;
        var memo = new BoundedMemo<int>(key => { calls++; return key.Length; }, capacity: 10, maxKeyLength: 100);

        Assert.Equal(3, memo.Get("abc"));
        Assert.Equal(3, memo.Get("abc"));
        Assert.Equal(5, memo.Get("abcde"));
        Assert.Equal(2, calls);
        Assert.Equal(2, memo.Count);
    }

    [Fact]
    public void Get_NeverHoldsMoreThanItsCapacity_AndStaysRight()
    {
        var memo = new BoundedMemo<string>(key => key.ToUpperInvariant(), capacity: 16, maxKeyLength: 100);
        for (var i = 0; i < 1_000; i++)
        {
            var key = "key" + (i % 40);
            Assert.Equal(key.ToUpperInvariant(), memo.Get(key));
            Assert.InRange(memo.Count, 1, 16);
        }
    }

    [Fact]
    public void Get_OfAKeyLongerThanTheLimit_ComputesEachTime_AndKeepsNothing()
    {
        var calls = 0;
        var memo = new BoundedMemo<int>(key => { calls++; return key.Length; }, capacity: 10, maxKeyLength: 4);

        Assert.Equal(5, memo.Get("12345"));
        Assert.Equal(5, memo.Get("12345"));
        Assert.Equal(2, calls);
        Assert.Equal(0, memo.Count);
    }

    [Fact]
    public async Task Get_FromManyThreads_GivesEachKeyItsOwnValue()
    {
        var memo = new BoundedMemo<string>(key => "v" + key, capacity: 64, maxKeyLength: 100);
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var key = ((i * 7) + t).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal("v" + key, memo.Get(key));
            }
        }));
        await Task.WhenAll(tasks);
        Assert.InRange(memo.Count, 1, 64 + 4); // a clear racing with other threads' adds may leave a few more
    }
}
