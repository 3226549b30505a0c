## つながり：日本語。ここのキーは en.ftl にも同じ変数で必要です。

## 受付（相談する方へ）

intake-welcome =
    こんにちは。つながりです。連絡をくださってありがとうございます。
    ここでは、さびしさや悩み、人に言いにくいことなど、どんなことでも、研修を受けた相談員とチャットで話せます。

    はじめる前に：
    • ここは緊急の窓口ではありません。いま命の危険があるときは、119（救急）か110（警察）に電話してください。
    • 書いてくださったことは、話す相談員だけが読み、決まった期間のあとに消去します。
    • 名前を言う必要はありません。

    このまま進んでもよいですか？
option-consent = 同意して進む
option-decline = いまはやめておく
intake-language = どの言語で話しますか？
option-lang_ja = 日本語
option-lang_en = English
intake-concern =
    ありがとうございます。どんなことを話したいですか？
    ご自分の言葉で、書けるところまでで大丈夫です。
intake-queued =
    話してくださってありがとうございます。いま相談員を待っています。手が空きしだい、おつなぎします。
    待っているあいだも書いて大丈夫です。相談員が読みます。
    待つのをやめるときは /end を送ってください。
intake-declined =
    わかりました。いつでも /start を送れば、また始められます。
    いま危険な状態にあるときは、119（救急）か110（警察）に電話してください。
intake-choose-option = 下のボタンから選んでください。

## 待っているあいだ・話しているあいだ（相談する方へ）

waiting-added = ありがとうございます。相談員に伝わるように残しました。順番はそのままです。
counselor-joined = 相談員がつながりました。お待たせしました。ここから自由に話してください。
counselor-left = 相談員が会話を終えました。話してくださってありがとうございました。また話したくなったら、いつでも /start を送ってください。
person-left = 会話を終えました。連絡をくださってありがとうございました。また話したくなったら、いつでも /start を送ってください。
text-too-long = メッセージが長すぎて受け取れませんでした（{ $limit }文字まで）。いくつかに分けて送ってもらえますか？
error-try-again = ごめんなさい、こちらで問題が起きました。少ししてから、もう一度送ってください。
unsupported-media = ごめんなさい、ここでは文字のメッセージしか読めません。言葉で書いてもらえますか？
help =
    つながりは、チャットで相談員とつながる窓口です。
    /start：はじめる、またはいまの質問をもう一度表示する
    /end：待つのをやめる、または会話を終える
    /help：この説明
    いま危険な状態にあるときは、119（救急）か110（警察）に電話してください。

command-start = はじめる・いまの質問をもう一度表示する
command-help = 使い方
command-end = 待つのをやめる・会話を終える

## 相談員向け

counselor-help =
    相談員のコマンド：
    /online：相談の受付を始める
    /next：いちばん長く待っている方とつながる
    /end：いまの会話を終える
    /offline：受付をやめる
counselor-now-online = オンラインになりました。待っている方：{ $waiting }人。/next で次の方とつながります。
counselor-now-offline = オフラインになりました。おつかれさまでした。
counselor-end-first = 会話中です。オフラインにする前に /end で会話を終えてください。
counselor-not-online = オフラインです。先に /online を送ってください。
counselor-busy = すでに会話中です。次の方とつながる前に /end で会話を終えてください。
counselor-queue-empty = いま待っている方はいません。
counselor-person-waiting = 相談を待っている方がいます（{ $waiting }人）。/next でつながります。
counselor-summary = つながりました。受付の内容：
counselor-summary-waiting = 待っているあいだに書かれたこと：
counselor-no-conversation = 会話中ではありません。/next で次の方とつながります。
counselor-ended = 会話を終えました。
counselor-person-left = 相談者が会話を終えました。
summary-language = 言語
summary-concern = 話したいこと
summary-waited = 待ち時間
duration-minutes = { $minutes }分
language-name-ja = 日本語
language-name-en = 英語

## ウェブチャットと相談員コンソール（画面の表示）

ui-title = つながり チャット
ui-placeholder = メッセージを書く
ui-send = 送信
ui-connecting = 接続しています…
ui-reconnecting = 接続が切れました。つなぎ直しています…
ui-you = あなた
ui-counselor = 相談員
ui-bot = つながり
console-title = つながり 相談員コンソール
console-online = オンラインにする
console-offline = オフラインにする
console-next = 次の方とつながる
console-end = 会話を終える
console-waiting = 待っている方
console-no-conversation = 会話はありません。オンラインにして次の方とつながってください。
console-status-online = オンライン
console-status-offline = オフライン
console-summary = 受付の内容
console-unknown-key = このコンソールのリンクは有効ではありません。管理者に新しいリンクを頼んでください。
