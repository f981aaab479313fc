import { Type, type Static } from '@sinclair/typebox';

/** A catalogue entry: a stable id and its label in Korean (first) and English. */
export interface Labelled<Id extends string | number = string> {
  id: Id;
  ko: string;
  en: string;
}

const entries = <const T extends readonly Labelled<string | number>[]>(list: T) => list;
type IdsOf<T extends readonly Labelled<string | number>[]> = T[number]['id'];
const ids = <T extends readonly Labelled<string | number>[]>(list: T) => list.map((e) => e.id) as IdsOf<T>[];

export const LANGUAGES = entries([
  { id: 'ko', ko: '한국어', en: 'Korean' },
  { id: 'en', ko: '영어', en: 'English' },
  { id: 'ja', ko: '일본어', en: 'Japanese' },
  { id: 'zh', ko: '중국어', en: 'Chinese' },
  { id: 'fr', ko: '프랑스어', en: 'French' },
  { id: 'de', ko: '독일어', en: 'German' },
  { id: 'es', ko: '스페인어', en: 'Spanish' },
  { id: 'ru', ko: '러시아어', en: 'Russian' },
  { id: 'vi', ko: '베트남어', en: 'Vietnamese' },
  { id: 'th', ko: '태국어', en: 'Thai' },
  { id: 'ar', ko: '아랍어', en: 'Arabic' },
  { id: 'pt', ko: '포르투갈어', en: 'Portuguese' },
] as const);
export type LanguageCode = IdsOf<typeof LANGUAGES>;

/** CEFR levels with the plain descriptions a self-rating shows. */
export const LEVELS = entries([
  { id: 'A1', ko: '간단한 인사와 자기소개', en: 'Greetings and simple introductions' },
  { id: 'A2', ko: '간단한 일상 대화', en: 'Simple everyday talk' },
  { id: 'B1', ko: '익숙한 주제로 대화', en: 'Conversation on familiar topics' },
  { id: 'B2', ko: '다양한 주제로 자연스러운 대화', en: 'Natural conversation on many topics' },
  { id: 'C1', ko: '복잡한 주제도 유창하게', en: 'Fluent, even on complex topics' },
  { id: 'C2', ko: '원어민에 가까움', en: 'Almost native' },
] as const);
export type CefrLevel = IdsOf<typeof LEVELS>;

/** At least 40 cities, Seoul first; each carries the IANA zone its availability is kept in. */
export const CITIES = [
  { id: 'seoul', ko: '서울', en: 'Seoul', timeZone: 'Asia/Seoul' },
  { id: 'busan', ko: '부산', en: 'Busan', timeZone: 'Asia/Seoul' },
  { id: 'incheon', ko: '인천', en: 'Incheon', timeZone: 'Asia/Seoul' },
  { id: 'daegu', ko: '대구', en: 'Daegu', timeZone: 'Asia/Seoul' },
  { id: 'daejeon', ko: '대전', en: 'Daejeon', timeZone: 'Asia/Seoul' },
  { id: 'gwangju', ko: '광주', en: 'Gwangju', timeZone: 'Asia/Seoul' },
  { id: 'jeju', ko: '제주', en: 'Jeju', timeZone: 'Asia/Seoul' },
  { id: 'tokyo', ko: '도쿄', en: 'Tokyo', timeZone: 'Asia/Tokyo' },
  { id: 'osaka', ko: '오사카', en: 'Osaka', timeZone: 'Asia/Tokyo' },
  { id: 'beijing', ko: '베이징', en: 'Beijing', timeZone: 'Asia/Shanghai' },
  { id: 'shanghai', ko: '상하이', en: 'Shanghai', timeZone: 'Asia/Shanghai' },
  { id: 'hong-kong', ko: '홍콩', en: 'Hong Kong', timeZone: 'Asia/Hong_Kong' },
  { id: 'taipei', ko: '타이베이', en: 'Taipei', timeZone: 'Asia/Taipei' },
  { id: 'singapore', ko: '싱가포르', en: 'Singapore', timeZone: 'Asia/Singapore' },
  { id: 'bangkok', ko: '방콕', en: 'Bangkok', timeZone: 'Asia/Bangkok' },
  { id: 'hanoi', ko: '하노이', en: 'Hanoi', timeZone: 'Asia/Bangkok' },
  { id: 'ho-chi-minh', ko: '호찌민', en: 'Ho Chi Minh City', timeZone: 'Asia/Ho_Chi_Minh' },
  { id: 'manila', ko: '마닐라', en: 'Manila', timeZone: 'Asia/Manila' },
  { id: 'jakarta', ko: '자카르타', en: 'Jakarta', timeZone: 'Asia/Jakarta' },
  { id: 'kuala-lumpur', ko: '쿠알라룸푸르', en: 'Kuala Lumpur', timeZone: 'Asia/Kuala_Lumpur' },
  { id: 'delhi', ko: '델리', en: 'Delhi', timeZone: 'Asia/Kolkata' },
  { id: 'mumbai', ko: '뭄바이', en: 'Mumbai', timeZone: 'Asia/Kolkata' },
  { id: 'kathmandu', ko: '카트만두', en: 'Kathmandu', timeZone: 'Asia/Kathmandu' },
  { id: 'dubai', ko: '두바이', en: 'Dubai', timeZone: 'Asia/Dubai' },
  { id: 'riyadh', ko: '리야드', en: 'Riyadh', timeZone: 'Asia/Riyadh' },
  { id: 'cairo', ko: '카이로', en: 'Cairo', timeZone: 'Africa/Cairo' },
  { id: 'istanbul', ko: '이스탄불', en: 'Istanbul', timeZone: 'Europe/Istanbul' },
  { id: 'moscow', ko: '모스크바', en: 'Moscow', timeZone: 'Europe/Moscow' },
  { id: 'berlin', ko: '베를린', en: 'Berlin', timeZone: 'Europe/Berlin' },
  { id: 'paris', ko: '파리', en: 'Paris', timeZone: 'Europe/Paris' },
  { id: 'london', ko: '런던', en: 'London', timeZone: 'Europe/London' },
  { id: 'madrid', ko: '마드리드', en: 'Madrid', timeZone: 'Europe/Madrid' },
  { id: 'rome', ko: '로마', en: 'Rome', timeZone: 'Europe/Rome' },
  { id: 'amsterdam', ko: '암스테르담', en: 'Amsterdam', timeZone: 'Europe/Amsterdam' },
  { id: 'lisbon', ko: '리스본', en: 'Lisbon', timeZone: 'Europe/Lisbon' },
  { id: 'new-york', ko: '뉴욕', en: 'New York', timeZone: 'America/New_York' },
  { id: 'toronto', ko: '토론토', en: 'Toronto', timeZone: 'America/Toronto' },
  { id: 'chicago', ko: '시카고', en: 'Chicago', timeZone: 'America/Chicago' },
  { id: 'denver', ko: '덴버', en: 'Denver', timeZone: 'America/Denver' },
  { id: 'los-angeles', ko: '로스앤젤레스', en: 'Los Angeles', timeZone: 'America/Los_Angeles' },
  { id: 'vancouver', ko: '밴쿠버', en: 'Vancouver', timeZone: 'America/Vancouver' },
  { id: 'mexico-city', ko: '멕시코시티', en: 'Mexico City', timeZone: 'America/Mexico_City' },
  { id: 'sao-paulo', ko: '상파울루', en: 'São Paulo', timeZone: 'America/Sao_Paulo' },
  { id: 'buenos-aires', ko: '부에노스아이레스', en: 'Buenos Aires', timeZone: 'America/Argentina/Buenos_Aires' },
  { id: 'sydney', ko: '시드니', en: 'Sydney', timeZone: 'Australia/Sydney' },
  { id: 'melbourne', ko: '멜버른', en: 'Melbourne', timeZone: 'Australia/Melbourne' },
  { id: 'auckland', ko: '오클랜드', en: 'Auckland', timeZone: 'Pacific/Auckland' },
  { id: 'honolulu', ko: '호놀룰루', en: 'Honolulu', timeZone: 'Pacific/Honolulu' },
  // A city not listed: the person picks their time zone (UTC until they do).
  { id: 'other', ko: '기타 (목록에 없음)', en: 'Other (not listed)', timeZone: 'UTC' },
] as const satisfies readonly (Labelled & { timeZone: string })[];
export type CityId = (typeof CITIES)[number]['id'];

export const GENDERS = entries([
  { id: 'male', ko: '남성', en: 'Male' },
  { id: 'female', ko: '여성', en: 'Female' },
  { id: 'other', ko: '기타', en: 'Other' },
] as const);

export const MOTIVATIONS = entries([
  { id: 'career', ko: '취업·학업', en: 'Jobs and study' },
  { id: 'self-improvement', ko: '자기계발', en: 'Self-improvement' },
  { id: 'hobby', ko: '취미', en: 'Hobby' },
  { id: 'travel-culture', ko: '여행·문화', en: 'Travel and culture' },
  { id: 'confidence', ko: '자신감', en: 'Confidence' },
  { id: 'exam', ko: '시험 준비', en: 'Exam preparation' },
  { id: 'friends', ko: '친구·대화', en: 'Friends and conversation' },
  { id: 'study-abroad', ko: '유학', en: 'Study abroad' },
  { id: 'emigration', ko: '이민', en: 'Emigration' },
] as const);

export const TOPICS = entries([
  { id: 'travel', ko: '여행', en: 'Travel' },
  { id: 'current-affairs', ko: '시사', en: 'Current affairs' },
  { id: 'food', ko: '음식', en: 'Food' },
  { id: 'business', ko: '비즈니스', en: 'Business' },
  { id: 'drama-film', ko: '드라마·영화', en: 'Drama and film' },
  { id: 'culture-lifestyle', ko: '문화·라이프스타일', en: 'Culture and lifestyle' },
  { id: 'sport', ko: '스포츠', en: 'Sport' },
  { id: 'economy', ko: '경제', en: 'Economy' },
  { id: 'it', ko: 'IT', en: 'IT' },
] as const);

export const LEARNING_STYLES = entries([
  { id: 'listening', ko: '듣기 중심', en: 'Mostly listening' },
  { id: 'speaking', ko: '말하기 중심', en: 'Mostly speaking' },
  { id: 'both', ko: '둘 다', en: 'Both' },
] as const);

export const EXPECTATIONS = entries([
  { id: 'daily-habit', ko: '매일 꾸준한 습관', en: 'A daily habit' },
  { id: 'confidence', ko: '말하기 자신감', en: 'Confidence in speaking' },
  { id: 'own-pace', ko: '나만의 속도로', en: 'At my own pace' },
  { id: 'practical', ko: '실전 회화', en: 'Practical conversation' },
] as const);

export const PARTNER_GENDERS = entries([
  { id: 'male', ko: '남성', en: 'Male' },
  { id: 'female', ko: '여성', en: 'Female' },
  { id: 'any', ko: '상관없음', en: 'Any' },
] as const);

export const PARTNER_STYLES = entries([
  { id: 'friendly', ko: '편한 친구처럼 대화', en: 'Easy, friend-like chat' },
  { id: 'teacher', ko: '선생님처럼 교정해 주기', en: 'Teacher-like, with corrections' },
  { id: 'topic-together', ko: '함께 주제 정하기', en: 'We pick topics together' },
  { id: 'shared-interests', ko: '관심사가 같은 사람', en: 'Shares my interests' },
  { id: 'grow-together', ko: '함께 성장하기', en: 'We grow together' },
] as const);

export const COMMUNICATION_METHODS = entries([
  { id: 'text', ko: '텍스트', en: 'Text' },
  { id: 'voice', ko: '음성', en: 'Voice' },
  { id: 'video', ko: '영상', en: 'Video' },
  { id: 'hybrid', ko: '혼합', en: 'Hybrid' },
] as const);

export const DAILY_MINUTES = [10, 15, 20, 25, 30] as const;

/** ISO weekday numbers, Monday = 1 … Sunday = 7. */
export const WEEKDAYS = entries([
  { id: 1, ko: '월', en: 'Mon' },
  { id: 2, ko: '화', en: 'Tue' },
  { id: 3, ko: '수', en: 'Wed' },
  { id: 4, ko: '목', en: 'Thu' },
  { id: 5, ko: '금', en: 'Fri' },
  { id: 6, ko: '토', en: 'Sat' },
  { id: 7, ko: '일', en: 'Sun' },
] as const);

/** A weekly slot is 30 minutes; 48 of them make a day (0 = 00:00-00:30 local time). */
export const SLOTS_PER_DAY = 48;

/** One of a fixed list, as a JSON Schema `enum`: one clear error instead of one per option. */
export const literalUnion = <T extends string | number>(values: readonly T[], options = {}) =>
  Type.Unsafe<T>({
    ...options,
    type: typeof values[0] === 'number' ? 'integer' : 'string',
    enum: [...values],
  });

export const LanguageCodeSchema = literalUnion(ids(LANGUAGES));
export const CefrLevelSchema = literalUnion(ids(LEVELS));
export const CityIdSchema = literalUnion(CITIES.map((c) => c.id));
export const GenderSchema = literalUnion(ids(GENDERS));
export const MotivationSchema = literalUnion(ids(MOTIVATIONS));
export const TopicSchema = literalUnion(ids(TOPICS));
export const LearningStyleSchema = literalUnion(ids(LEARNING_STYLES));
export const ExpectationSchema = literalUnion(ids(EXPECTATIONS));
export const PartnerGenderSchema = literalUnion(ids(PARTNER_GENDERS));
export const PartnerStyleSchema = literalUnion(ids(PARTNER_STYLES));
export const CommunicationMethodSchema = literalUnion(ids(COMMUNICATION_METHODS));
export const DailyMinutesSchema = literalUnion(DAILY_MINUTES);

const LabelledEntry = Type.Object({
  id: Type.Union([Type.String(), Type.Integer()]),
  ko: Type.String(),
  en: Type.String(),
});

export const CatalogReply = Type.Object({
  languages: Type.Array(LabelledEntry),
  levels: Type.Array(LabelledEntry),
  cities: Type.Array(Type.Intersect([LabelledEntry, Type.Object({ timeZone: Type.String() })])),
  genders: Type.Array(LabelledEntry),
  motivations: Type.Array(LabelledEntry),
  topics: Type.Array(LabelledEntry),
  learningStyles: Type.Array(LabelledEntry),
  expectations: Type.Array(LabelledEntry),
  partnerGenders: Type.Array(LabelledEntry),
  partnerStyles: Type.Array(LabelledEntry),
  communicationMethods: Type.Array(LabelledEntry),
  dailyMinutes: Type.Array(Type.Integer()),
  weekdays: Type.Array(LabelledEntry),
  slotsPerDay: Type.Integer(),
});
export type CatalogReply = Static<typeof CatalogReply>;

export const CATALOG: CatalogReply = {
  languages: [...LANGUAGES],
  levels: [...LEVELS],
  cities: [...CITIES],
  genders: [...GENDERS],
  motivations: [...MOTIVATIONS],
  topics: [...TOPICS],
  learningStyles: [...LEARNING_STYLES],
  expectations: [...EXPECTATIONS],
  partnerGenders: [...PARTNER_GENDERS],
  partnerStyles: [...PARTNER_STYLES],
  communicationMethods: [...COMMUNICATION_METHODS],
  dailyMinutes: [...DAILY_MINUTES],
  weekdays: [...WEEKDAYS],
  slotsPerDay: SLOTS_PER_DAY,
};

export const cityById = (id: string) => CITIES.find((c) => c.id === id);
